using System.Text;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>A pull-request comment: verdict, counts, a table of findings, and details per finding.</summary>
internal static class MarkdownReport
{
    public static string Render(CheckReport report)
    {
        var sb = new StringBuilder();
        var findings = report.Result.Findings;
        var verdict = report.FailingCount > 0 ? $"❌ {report.FailingCount} finding(s) at or above **{report.FailOnName}**" : "✅ nothing at or above " + $"**{report.FailOnName}**";
        sb.Append("## Faultline check\n\n").Append(verdict).Append("\n\n");
        sb.Append("| severity | count |\n|---|---|\n");
        foreach (var s in Enum.GetValues<Severity>().Reverse())
        {
            sb.Append($"| {s.Name()} | {report.Result.Count(s)} |\n");
        }
        sb.Append('\n').Append(Escape(report.Summary())).Append("\n\n");
        if (findings.Count == 0)
        {
            return sb.ToString();
        }
        sb.Append("| severity | rule | service | location | what breaks |\n|---|---|---|---|---|\n");
        foreach (var f in findings)
        {
            sb.Append($"| {f.Severity.Name()}{(f.Change is { } change ? $" ({change})" : "")} | `{f.RuleId}` | {Escape(f.Namespace)}/{Escape(f.Service)} | `{Escape(Paths.Uri(f.Location.File))}:{f.Location.Line}` | {Escape(f.Message)} |\n");
        }
        sb.Append("\n<details><summary>Details and fixes</summary>\n\n");
        foreach (var f in findings)
        {
            sb.Append($"### `{f.RuleId}` in {Escape(f.Service)} ({f.Severity.Name()})\n\n");
            sb.Append($"- **Where:** `{Escape(Paths.Uri(f.Location.File))}:{f.Location.Line}` ({f.ResourceKind}/{Escape(f.ResourceName)})\n");
            sb.Append($"- **Assumes:** {Escape(f.Assumption)}\n");
            sb.Append($"- **Evidence:** {Escape(f.Evidence)}\n");
            if (f.BlastRadius.Count > 0)
            {
                sb.Append($"- **Blast radius:** {Escape(TextReport.BlastRadius(f))}\n");
            }
            sb.Append($"- **Fix:** {Escape(f.Remediation)}\n\n");
        }
        sb.Append("</details>\n");
        return sb.ToString();
    }

    internal static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
