using System.Globalization;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Availability;

internal sealed class PdbBlocksEvictionRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "availability.pdb-blocks-eviction",
        Severity.High,
        "PodDisruptionBudget allows no eviction",
        "A PodDisruptionBudget allows zero voluntary disruptions for the pods it selects, so node drains hang.",
        "Use maxUnavailable: 1 (or a minAvailable below the replica count), and run enough replicas to keep serving while one moves.",
        """
        `kubectl drain`, cluster autoscalers and managed upgrades evict pods through the eviction API, which refuses
        while the budget allows no disruption. With minAvailable >= replicas (or 100%), or maxUnavailable 0 (or 0%),
        it never allows one: drains hang and cluster upgrades stall until someone deletes the budget by hand. The
        replica count is the workload's (the HPA's minReplicas when an HPA scales it); a percentage minAvailable is
        rounded up, so 50% of one replica is one. DaemonSet pods (skipped by drains) and workloads scaled to zero
        are not counted.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var pdb in context.Model.DisruptionBudgets)
        {
            // Drains skip DaemonSet pods, and a workload scaled to zero has nothing to evict.
            var workloads = context.Model.WorkloadsMatching(pdb.Namespace, pdb.Selector).Where(w => w.Kind != "DaemonSet").ToList();
            var replicas = workloads.Sum(w => Replicas(context.Model, w));
            if (workloads.Count == 0 || replicas == 0)
            {
                continue;
            }
            string? why = null;
            if (pdb.MaxUnavailable is { } max && max.Value.Trim() is "0" or "0%")
            {
                why = $"maxUnavailable: {max.Value}";
            }
            else if (pdb.MinAvailable is { } min && Required(min.Value.Trim(), replicas) is { } required && required >= replicas)
            {
                why = $"minAvailable: {min.Value.Trim()} is {required} of {replicas} replica(s)";
            }
            if (why is null)
            {
                continue;
            }
            var service = context.Model.ComponentName(workloads[0]);
            yield return context.ForObject(pdb.Manifest, service, (Documents.Node?)pdb.MaxUnavailable ?? pdb.MinAvailable,
                $"PodDisruptionBudget '{pdb.Name}' allows no disruption ({why}): draining a node that runs {string.Join(", ", workloads)} hangs",
                "nodes can be drained for upgrades and maintenance",
                $"selects {string.Join(", ", workloads.Select(w => $"{w} ({Replicas(context.Model, w)} replicas)"))}");
        }
    }

    /// <summary>Pods that must stay available: a percentage is rounded up, as the disruption controller does.</summary>
    private static int? Required(string text, int replicas)
    {
        if (text.EndsWith('%') && decimal.TryParse(text[..^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var pct))
        {
            return (int)Math.Ceiling(pct * replicas / 100m);
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    internal static int Replicas(SystemModel model, Workload w) =>
        model.AutoscalerOf(w)?.MinReplicas
        ?? w.Replicas
        ?? (w.Kind is "DaemonSet" or "Pod" ? 1 : 1);
}
