using System.Text;
using Faultline.Core.Environments;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>Differences grouped by object, most severe first; each with both values, where they are written, and what breaks.</summary>
internal static class EnvDiffText
{
    public static string Render(EnvDiffReport report, bool color)
    {
        var r = report.Result;
        var sb = new StringBuilder();
        sb.Append(TextReport.Paint($"{r.LabelA} ({report.A.Argument}) vs {r.LabelB} ({report.B.Argument})", "1", color)).Append('\n');
        if (r.NamespaceMap.Count > 0)
        {
            sb.Append("namespaces: ").Append(string.Join(", ", r.NamespaceMap.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} = {kv.Value}"))).Append('\n');
        }
        sb.Append('\n');
        var width = Math.Max(r.LabelA.Length, r.LabelB.Length) + 1;
        var groups = r.Differences
            .GroupBy(d => (d.Namespace, d.Kind, d.Name))
            .OrderByDescending(g => g.Max(d => d.Severity))
            .ThenBy(g => g.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Name, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            sb.Append(TextReport.Paint($"{group.Key.Namespace}/{group.Key.Kind}/{group.Key.Name}", "1", color)).Append('\n');
            foreach (var d in group)
            {
                var label = d.Severity.Name().ToUpperInvariant().PadRight(8);
                sb.Append("  ").Append(TextReport.Paint(label, TextReport.SeverityColor(d.Severity), color))
                    .Append(d.Class.Name()).Append("  ").Append(d.Scope is null ? "" : d.Scope + ": ").Append(d.Field).Append('\n');
                Line(sb, d.Summary);
                Side(sb, r.LabelA, d.A, width);
                Side(sb, r.LabelB, d.B, width);
                Line(sb, "breaks: " + d.Risk);
            }
            sb.Append('\n');
        }
        if (r.Expected.Count > 0)
        {
            sb.Append($"expected, not counted ({Paths.Uri(report.ExpectedFile ?? "")}):\n");
            foreach (var e in r.Expected)
            {
                var d = e.Difference;
                sb.Append($"  {d.Namespace}/{d.Kind}/{d.Name} {(d.Scope is null ? "" : d.Scope + ": ")}{d.Field}: {d.Summary} [{e.Because}, line {e.Where.Line}]\n");
            }
            sb.Append('\n');
        }
        sb.Append(report.Summary()).Append('\n');
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string text) => sb.Append("          ").Append(text).Append('\n');

    private static void Side(StringBuilder sb, string label, EnvValue value, int width)
    {
        sb.Append("          ").Append((label + ":").PadRight(width + 1)).Append(value.Shown ?? "(none)");
        if (value.Location is { } where)
        {
            sb.Append("  ").Append(EnvDiffReport.Location(where));
        }
        sb.Append('\n');
    }
}
