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
        foreach (var blocking in DrainAnalysis.BlockingBudgets(context.Model))
        {
            var pdb = blocking.Budget;
            var service = context.Model.ComponentName(blocking.Workloads[0]);
            yield return context.ForObject(pdb.Manifest, service, blocking.At,
                $"PodDisruptionBudget '{pdb.Name}' allows no disruption ({blocking.Why}): draining a node that runs {string.Join(", ", blocking.Workloads)} hangs",
                "nodes can be drained for upgrades and maintenance",
                $"selects {string.Join(", ", blocking.Workloads.Select(w => $"{w} ({DrainAnalysis.Replicas(context.Model, w)} replicas)"))}");
        }
    }
}
