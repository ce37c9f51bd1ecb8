using System.Text;
using Faultline.Core.Upgrade;

namespace Faultline.Cli.Rendering;

/// <summary>The upgrade plan as a runbook a team reviews: one section per step, each ending in a checklist.</summary>
internal static class UpgradeMarkdown
{
    public static string Render(UpgradeReport report)
    {
        var plan = report.Plan;
        var sb = new StringBuilder();
        sb.Append($"# Kubernetes upgrade plan: {plan.From} → {plan.To}\n\n");
        sb.Append($"{plan.Steps.Count} step{(plan.Steps.Count == 1 ? "" : "s")}, one minor at a time: {report.Path}. ");
        sb.Append($"Input: {report.InputSummary}. {report.DataSummary}.\n\n");
        sb.Append(report.Problems == 0
            ? "✅ **Nothing stops this plan**: no removed API in use, no drain blocker, no skew violation, no add-on or chart that refuses a target.\n\n"
            : $"❌ **{report.Problems} thing(s) to fix** (each counted once, though a drain blocker holds up every step): removed APIs in use, drain blockers, skew violations, add-ons or charts that refuse a target.\n\n");
        sb.Append("| step | removed APIs in use | deprecated in use | drain blockers | skew violations | add-ons not supported | charts excluding |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        foreach (var s in plan.Steps)
        {
            sb.Append($"| {s.From} → {s.To} | {s.Removed.Count} | {s.Deprecated.Count} | {s.Blockers.Count} | {s.Skew.Count(k => k.Status == SkewStatus.Violation)} | {s.Addons.Count(a => a.Status == AddonStatus.Unsupported)} | {s.Charts.Count(c => c.Status == ChartStatus.Excludes)} |\n");
        }
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            Step(sb, plan.Steps[i], i + 1);
        }
        return sb.ToString();
    }

    private static void Step(StringBuilder sb, UpgradeStep step, int number)
    {
        var t = step.To;
        sb.Append($"\n## Step {number}: {step.From} → {t}\n\n");

        sb.Append("### Removed APIs in use\n\n");
        if (step.Removed.Count == 0)
        {
            sb.Append($"None: every object in the input uses an API that {t} serves.\n\n");
        }
        else
        {
            sb.Append("| object | where | API | migrate to | when | owner |\n|---|---|---|---|---|---|\n");
            foreach (var r in step.Removed)
            {
                sb.Append($"| {E(r.Object.Display)} | `{C(UpgradeReport.Where(r.Object.Location))}` | `{r.Object.ApiVersion}` | {E(UpgradeReport.Replacement(r.Api))} | {E(UpgradeReport.Timing(r))} | {E(r.Object.Owner)} |\n");
            }
            sb.Append('\n');
            foreach (var r in step.Removed.Where(r => r.Caveat is not null))
            {
                sb.Append($"⚠️ {E(r.Object.Display)}: {E(r.Caveat!)}.\n\n");
            }
            var changes = step.Removed.Select(r => r.Api).Distinct().Where(a => a.Notes.Length > 0).ToList();
            if (changes.Count > 0)
            {
                sb.Append("What changes beyond the `apiVersion`:\n\n");
                foreach (var api in changes)
                {
                    sb.Append($"- **{api}** → {E(api.ReplacementText ?? "no replacement")}: {E(api.Notes)}\n");
                }
                sb.Append('\n');
            }
        }

        var deprecations = step.Notes.Where(n => n.Type == NoteType.Deprecated).ToList();
        var older = step.Deprecated.Where(d => d.Api.DeprecatedIn < t).ToList();
        sb.Append($"### Deprecations starting in {t}\n\n");
        if (deprecations.Count == 0)
        {
            sb.Append($"None in our data.\n\n");
        }
        foreach (var n in deprecations)
        {
            var until = n.Api.RemovedIn is { } r ? $"removed in {r}" : "no removal scheduled";
            sb.Append($"- **{n.Api}** → {E(n.Api.ReplacementText ?? "no replacement")}{(n.Api.ReplacementAvailableIn is { } since ? $" (served since {since})" : "")}; {until}. {E(n.Api.Notes)}\n");
            var users = step.Deprecated.Where(d => d.Api == n.Api).ToList();
            sb.Append(users.Count == 0
                ? "  Not used by the input; scripts, dashboards and controllers that call it will get warnings.\n"
                : $"  Used by: {string.Join("; ", users.Select(d => $"{E(d.Object.Display)} (`{C(UpgradeReport.Where(d.Object.Location))}`, {E(d.Object.Owner)})"))}.\n");
        }
        if (deprecations.Count > 0)
        {
            sb.Append('\n');
        }
        if (older.Count > 0)
        {
            sb.Append($"Already deprecated at the start and still served in {t}:\n\n");
            sb.Append("| object | where | API | deprecated in | removed in | replacement | owner |\n|---|---|---|---|---|---|---|\n");
            foreach (var d in older)
            {
                sb.Append($"| {E(d.Object.Display)} | `{C(UpgradeReport.Where(d.Object.Location))}` | `{d.Object.ApiVersion}` | {d.Api.DeprecatedIn} | {d.Api.RemovedIn?.ToString() ?? "not scheduled"} | {E(UpgradeReport.Replacement(d.Api))} | {E(d.Object.Owner)} |\n");
            }
            sb.Append('\n');
        }

        var unused = step.Notes.Where(n => n is { Type: NoteType.Removed, InInput: false }).ToList();
        if (unused.Count > 0)
        {
            sb.Append($"Also no longer served in {t} (not used by the input; check scripts, CI jobs and controllers): ");
            sb.Append(string.Join(", ", unused.Select(n => $"`{n.Api}`"))).Append(".\n\n");
        }

        sb.Append("### Drain blockers\n\n");
        if (step.Blockers.Count == 0)
        {
            sb.Append("None: every node can be drained without waiting on a budget or taking a single-replica service down.\n\n");
        }
        else
        {
            sb.Append("Every node is drained in every step, so these repeat in each one.\n\n");
            sb.Append("| object | where | why | owner |\n|---|---|---|---|\n");
            foreach (var b in step.Blockers)
            {
                sb.Append($"| {E(b.Object.Display)} | `{C(UpgradeReport.Where(b.Object.Location))}` | {E(b.Message)} | {E(b.Object.Owner)} |\n");
            }
            sb.Append('\n');
        }

        sb.Append("### Version skew\n\n");
        sb.Append("| component | policy | version | status | detail |\n|---|---|---|---|---|\n");
        foreach (var k in step.Skew)
        {
            var version = k.Version is { } v ? $"{v} ({E(UpgradeReport.Sources(k))})" : "—";
            sb.Append($"| {k.Component} | {E(k.Policy)} | {version} | {UpgradeReport.Status(k.Status)} | {E(k.Message)} |\n");
        }
        sb.Append('\n');

        sb.Append("### Add-ons\n\n");
        if (step.Addons.Count == 0)
        {
            sb.Append("None recognised in the input (by image: ingress-nginx, cert-manager, metrics-server, CoreDNS, Cilium, Calico, Istio, Argo CD).\n\n");
        }
        else
        {
            sb.Append($"| add-on | where | version | supported on | {t} | first line supporting {t} | owner |\n|---|---|---|---|---|---|---|\n");
            foreach (var a in step.Addons)
            {
                sb.Append($"| [{E(a.Addon)}]({a.Source}) | `{C(UpgradeReport.Where(a.Workload.Location))}` | {E(a.Line ?? "unknown")} | {E(a.Release?.RangeText() ?? "not in our data")} | {UpgradeReport.Status(a.Status)} | {E(a.FirstSupporting ?? "—")} | {E(a.Workload.Owner)} |\n");
            }
            sb.Append('\n');
        }

        sb.Append("### Helm charts\n\n");
        if (step.Charts.Count == 0)
        {
            sb.Append("No Chart.yaml in the input.\n\n");
        }
        else
        {
            sb.Append($"| chart | where | kubeVersion | {t} | owner |\n|---|---|---|---|---|\n");
            foreach (var c in step.Charts)
            {
                var constraint = c.Chart.KubeVersion is { } k ? $"`{C(k)}`" : "—";
                sb.Append($"| {E(c.Chart.Name)} {E(c.Chart.Version ?? "")} | `{C(UpgradeReport.Where(c.Chart.Location))}` | {constraint} | {UpgradeReport.Status(c.Status)} | {E(c.Chart.Owner)} |\n");
            }
            sb.Append('\n');
        }

        sb.Append("### Checklist\n\n");
        foreach (var phase in step.Checklist.GroupBy(c => c.Phase))
        {
            sb.Append($"**{UpgradeReport.Phase(phase.Key)}**\n\n");
            foreach (var item in phase)
            {
                sb.Append($"- [ ] **{E(item.Owner)}**: {E(item.Text)}\n");
            }
            sb.Append('\n');
        }

        sb.Append("### Rollback\n\n").Append(E(step.Rollback)).Append('\n');
    }

    private static string E(string text) => MarkdownReport.Escape(text);

    /// <summary>Text inside a code span: only the table's pipes need escaping; &lt; stays literal there.</summary>
    private static string C(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
