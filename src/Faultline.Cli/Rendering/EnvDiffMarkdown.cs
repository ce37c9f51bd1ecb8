using System.Text;
using Faultline.Core.Environments;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>A pull-request comment: verdict, counts, a table of differences, then what breaks for each.</summary>
internal static class EnvDiffMarkdown
{
    public static string Render(EnvDiffReport report)
    {
        var r = report.Result;
        var sb = new StringBuilder();
        var verdict = report.FailingCount > 0
            ? $"❌ {report.FailingCount} difference(s) at or above **{report.FailOnName}**"
            : $"✅ no difference at or above **{report.FailOnName}**";
        sb.Append($"## Faultline env diff: {Escape(r.LabelA)} vs {Escape(r.LabelB)}\n\n").Append(verdict).Append("\n\n");
        sb.Append("| severity | count |\n|---|---|\n");
        foreach (var s in Enum.GetValues<Severity>().Reverse())
        {
            sb.Append($"| {s.Name()} | {r.Count(s)} |\n");
        }
        sb.Append('\n').Append(Escape(report.Summary())).Append("\n\n");
        if (r.Differences.Count > 0)
        {
            sb.Append($"| severity | class | object | field | {Escape(r.LabelA)} | {Escape(r.LabelB)} |\n|---|---|---|---|---|---|\n");
            foreach (var d in r.Differences)
            {
                sb.Append($"| {d.Severity.Name()} | {d.Class.Name()} | {Escape(d.Namespace)}/{d.Kind}/{Escape(d.Name)} | {Escape((d.Scope is null ? "" : d.Scope + ": ") + d.Field)} | {Value(d.A)} | {Value(d.B)} |\n");
            }
            sb.Append("\n<details><summary>What can break</summary>\n\n");
            foreach (var d in r.Differences)
            {
                sb.Append($"- **{d.Severity.Name()}** {Escape(d.Kind)}/{Escape(d.Name)} `{Escape(d.Field)}`: {Escape(d.Summary)}. {Escape(d.Risk)}\n");
            }
            sb.Append("\n</details>\n");
        }
        if (r.Expected.Count > 0)
        {
            sb.Append($"\n<details><summary>{r.Expected.Count} expected difference(s), not counted</summary>\n\n");
            foreach (var e in r.Expected)
            {
                sb.Append($"- {Escape(e.Difference.Kind)}/{Escape(e.Difference.Name)} `{Escape(e.Difference.Field)}`: {Escape(e.Difference.Summary)} ({Escape(e.Because)}, `{Escape(Paths.Uri(e.Where.File))}:{e.Where.Line}`)\n");
            }
            sb.Append("\n</details>\n");
        }
        return sb.ToString();
    }

    private static string Value(EnvValue v)
    {
        var shown = v.Shown is null ? "_(none)_" : $"`{Escape(v.Shown).Replace("`", "'", StringComparison.Ordinal)}`";
        return v.Location is { } where ? $"{shown}<br>`{Escape(EnvDiffReport.Location(where))}`" : shown;
    }

    private static string Escape(string text) =>
        text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
