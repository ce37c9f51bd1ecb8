namespace Faultline.Core.Upgrade;

/// <summary>Turns what a step found into the ordered list of things to do, with owners, and the rollback note.</summary>
internal static class UpgradeChecklist
{
    public static IReadOnlyList<ChecklistItem> For(UpgradeStep step)
    {
        var (s, t) = (step.From, step.To);
        var items = new List<ChecklistItem>();
        void Add(ChecklistPhase phase, string owner, string text) => items.Add(new ChecklistItem(phase, owner, text));

        foreach (var r in step.Removed)
        {
            var o = r.Object;
            var where = $"{o.Display} ({o.Location})";
            if (r.Caveat is { } caveat)
            {
                Add(ChecklistPhase.Before, o.Owner, $"Check {where}: {caveat}");
            }
            switch (r.Timing)
            {
                case MigrationTiming.AlreadyUnserved:
                    Add(ChecklistPhase.Before, o.Owner, $"Fix {where} now: {o.ApiVersion} is not served since {r.Api.RemovedIn}, so the manifest cannot be applied to the {s} cluster; move it to {r.Api.ReplacementText ?? "a supported alternative"}");
                    break;
                case MigrationTiming.BeforeUpgrade:
                    Add(ChecklistPhase.Before, o.Owner, $"Migrate {where} from {o.ApiVersion} to {r.Api.ReplacementText} and apply it while the cluster is on {s} ({r.Api.Replacement} is served since {r.Api.ReplacementAvailableIn})");
                    break;
                case MigrationTiming.NoReplacement:
                    Add(ChecklistPhase.Before, o.Owner, $"Retire {where}: {o.ApiVersion} {o.Kind} has no replacement API in {t}; put what it enforced somewhere else first");
                    break;
                case MigrationTiming.WithUpgrade:
                    Add(ChecklistPhase.Before, o.Owner, $"Prepare {where} as {r.Api.ReplacementText}; {s} does not serve {r.Api.Replacement}, so it ships with the step");
                    break;
            }
        }
        foreach (var b in step.Blockers)
        {
            var o = b.Object;
            Add(ChecklistPhase.Before, o.Owner, b.Type == BlockerType.PdbBlocksDrain
                ? $"Let PodDisruptionBudget {o.Namespace}/{o.Name} ({o.Location}) allow at least one disruption (maxUnavailable: 1), or node drains hang"
                : $"Scale {o.Display} ({o.Location}) to 2 or more replicas, or schedule the downtime its node's drain causes");
        }
        foreach (var a in step.Addons.Where(a => a.Status != AddonStatus.Supported))
        {
            var where = $"{a.Workload.Display} ({a.Workload.Location})";
            Add(ChecklistPhase.Before, a.Workload.Owner, a.Status == AddonStatus.Unsupported
                ? a.FirstSupporting is { } first
                    ? $"Upgrade {a.Addon} {a.Line} in {where} to {first} or later, which supports {t}"
                    : $"Find a {a.Addon} release that supports {t} ({a.Line} in {where} does not; see {a.Source})"
                : $"Confirm {a.Addon} {a.Line ?? ""} in {where} supports {t} (see {a.Source})".Replace("  ", " ", StringComparison.Ordinal));
        }
        foreach (var c in step.Charts.Where(c => c.Status is ChartStatus.Excludes or ChartStatus.Invalid))
        {
            Add(ChecklistPhase.Before, c.Chart.Owner, c.Status == ChartStatus.Excludes
                ? $"Release chart {c.Chart.Name} ({c.Chart.Location}) with a kubeVersion that admits {t} (now \"{c.Chart.KubeVersion}\")"
                : $"Fix the kubeVersion of chart {c.Chart.Name} ({c.Chart.Location}): \"{c.Chart.KubeVersion}\" cannot be read");
        }
        foreach (var k in step.Skew.Where(k => k.Status == SkewStatus.Violation))
        {
            Add(ChecklistPhase.Before, Owners.ClusterOperator, $"{Capitalise(k.Message)} ({string.Join(", ", k.Sources.Select(x => x.Name).Distinct())})");
        }
        Add(ChecklistPhase.Before, Owners.ClusterOperator, $"Take an etcd snapshot (or your provider's backup) of the {s} control plane");
        Add(ChecklistPhase.During, Owners.ClusterOperator, $"Upgrade kube-apiserver to {t}, then kube-controller-manager and kube-scheduler (they may lag kube-apiserver by one minor, never lead it)");
        foreach (var r in step.Removed.Where(r => r.Timing == MigrationTiming.WithUpgrade))
        {
            Add(ChecklistPhase.During, r.Object.Owner, $"Apply {r.Object.Display} as {r.Api.ReplacementText} as soon as kube-apiserver {t} serves it");
        }
        Add(ChecklistPhase.During, Owners.ClusterOperator, $"Drain and upgrade the nodes to kubelet {t} one at a time (nodes may stay behind, but never below {t.Plus(-3)})");
        Add(ChecklistPhase.During, Owners.ClusterOperator, $"Use kubectl {s} or {t} while the step runs");
        var deprecations = step.Notes.Where(n => n.Type == NoteType.Deprecated).Select(n => n.Api.ToString()).ToList();
        Add(ChecklistPhase.After, Owners.ClusterOperator, deprecations.Count > 0
            ? $"Watch kube-apiserver's apiserver_requested_deprecated_apis metric and audit annotations for clients still calling APIs deprecated in {t}: {string.Join(", ", deprecations)}"
            : $"Watch kube-apiserver's apiserver_requested_deprecated_apis metric for clients of APIs removed in a later release");
        Add(ChecklistPhase.After, Owners.ClusterOperator, $"Check that every node reports Ready and every workload is back to its replica count on {t} before the next step");
        return items;
    }

    public static string Rollback(UpgradeStep step)
    {
        var (s, t) = (step.From, step.To);
        var text = $"Kubernetes does not support downgrading the control plane from {t} to {s} in place. To roll back, restore the etcd snapshot taken before the step on {s} control-plane binaries (anything written after the snapshot is lost), then replace nodes already on kubelet {t} with {s} nodes, since a kubelet may not be newer than kube-apiserver.";
        if (step.Removed.Any(r => r.Timing == MigrationTiming.WithUpgrade))
        {
            text += $" Objects migrated with the step use APIs {s} does not serve: keep their {s} manifests to re-apply after a rollback.";
        }
        if (step.Removed.Any(r => r.Timing == MigrationTiming.BeforeUpgrade))
        {
            text += $" Objects migrated before the step use APIs {s} already serves, so they stay as they are.";
        }
        return text;
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
