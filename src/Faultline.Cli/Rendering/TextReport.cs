using System.Text;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>Findings grouped by service, most severe first, then a one-line summary.</summary>
internal static class TextReport
{
    public static string Render(CheckReport report, bool color)
    {
        var sb = new StringBuilder();
        var groups = report.Result.Findings
            .GroupBy(f => (f.Namespace, f.Service))
            .OrderByDescending(g => g.Max(f => f.Severity))
            .ThenBy(g => g.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Service, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            sb.Append(Paint($"{group.Key.Namespace}/{group.Key.Service}", "1", color)).Append('\n');
            foreach (var f in group)
            {
                var label = f.Severity.Name().ToUpperInvariant().PadRight(9); // "critical" is 8 letters and needs its gap too
                sb.Append("  ").Append(Paint(label, SeverityColor(f.Severity), color)).Append(f.RuleId).Append("  ").Append(f.Location);
                if (f.Change is { } change)
                {
                    sb.Append("  (").Append(change).Append(')');
                }
                sb.Append('\n');
                Line(sb, "", f.Message);
                Line(sb, "assumes: ", f.Assumption);
                Line(sb, "evidence: ", f.Evidence);
                if (f.BlastRadius.Count > 0)
                {
                    Line(sb, "blast radius: ", BlastRadius(f));
                }
                Line(sb, "fix: ", f.Remediation);
            }
            sb.Append('\n');
        }
        sb.Append(report.Summary()).Append('\n');
        return sb.ToString();
    }

    public static string BlastRadius(Finding f)
    {
        var list = string.Join(", ", f.BlastRadius) + (f.BlastRadiusCount > f.BlastRadius.Count ? $" (+{f.BlastRadiusCount - f.BlastRadius.Count} more)" : "");
        return f.BlastPath.Count > 1 ? $"{string.Join(" -> ", f.BlastPath)}; all: {list}" : list;
    }

    private static void Line(StringBuilder sb, string label, string text) =>
        sb.Append("          ").Append(label).Append(text).Append('\n');

    internal static string SeverityColor(Severity s) => s switch
    {
        Severity.Critical => "1;35",
        Severity.High => "1;31",
        Severity.Medium => "33",
        Severity.Low => "36",
        _ => "2",
    };

    internal static string Paint(string text, string code, bool color) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
