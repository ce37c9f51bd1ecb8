using System.Text;
using Faultline.Core.Upgrade;

namespace Faultline.Cli.Rendering;

/// <summary>The upgrade plan for a terminal: per step, what needs doing, then the checklist.</summary>
internal static class UpgradeText
{
    public static string Render(UpgradeReport report)
    {
        var plan = report.Plan;
        var sb = new StringBuilder();
        sb.Append($"Kubernetes upgrade plan {plan.From} -> {plan.To}: {report.Path.Replace("→", "->", StringComparison.Ordinal)}\n");
        sb.Append($"input: {report.InputSummary}; {report.DataSummary}\n");
        foreach (var step in plan.Steps)
        {
            var t = step.To;
            sb.Append($"\nstep {step.From} -> {t}{(step.Problems == 0 ? "" : $" ({step.Problems} to fix)")}\n");
            foreach (var r in step.Removed)
            {
                sb.Append($"  REMOVED     {r.Object.Display} {r.Object.ApiVersion}  {UpgradeReport.Where(r.Object.Location)}\n");
                sb.Append($"              migrate to {UpgradeReport.Replacement(r.Api)}, {UpgradeReport.Timing(r)}; owner {r.Object.Owner}\n");
                if (r.Caveat is { } caveat)
                {
                    sb.Append($"              careful: {caveat}\n");
                }
            }
            foreach (var d in step.Deprecated)
            {
                sb.Append($"  DEPRECATED  {d.Object.Display} {d.Object.ApiVersion} (since {d.Api.DeprecatedIn})  {UpgradeReport.Where(d.Object.Location)}\n");
            }
            foreach (var n in step.Notes.Where(n => n.Type == NoteType.Deprecated && !n.InInput))
            {
                sb.Append($"  DEPRECATED  {n.Api} from {t} (not in the input; clients that call it get warnings)\n");
            }
            foreach (var b in step.Blockers)
            {
                sb.Append($"  BLOCKER     {b.Object.Display} {b.Message}  {UpgradeReport.Where(b.Object.Location)}\n");
            }
            foreach (var k in step.Skew.Where(k => k.Status == SkewStatus.Violation))
            {
                sb.Append($"  SKEW        {k.Message} ({UpgradeReport.Sources(k)})\n");
            }
            foreach (var a in step.Addons.Where(a => a.Status != AddonStatus.Supported))
            {
                sb.Append($"  ADD-ON      {a.Message}  {UpgradeReport.Where(a.Workload.Location)}\n");
            }
            foreach (var c in step.Charts.Where(c => c.Status is ChartStatus.Excludes or ChartStatus.Invalid))
            {
                sb.Append($"  CHART       {c.Chart.Name}: {c.Message}  {UpgradeReport.Where(c.Chart.Location)}\n");
            }
            sb.Append("  checklist:\n");
            foreach (var item in step.Checklist)
            {
                sb.Append($"    [{item.Phase.ToString().ToLowerInvariant()}] {item.Owner}: {item.Text}\n");
            }
            sb.Append($"  rollback: {step.Rollback}\n");
        }
        sb.Append(report.Problems == 0
            ? $"\nnothing stops this plan ({plan.Steps.Count} step{(plan.Steps.Count == 1 ? "" : "s")})\n"
            : $"\n{report.Problems} thing(s) to fix (each counted once) across {plan.Steps.Count} step{(plan.Steps.Count == 1 ? "" : "s")}\n");
        return sb.ToString();
    }
}
