using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Availability;

internal sealed class SingleReplicaRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "availability.single-replica",
        Severity.Low,
        "Service-backed workload runs one replica",
        "A Deployment or StatefulSet behind a Service runs a single replica, so every node drain, eviction or rollout is downtime.",
        "Run at least two replicas (and a PodDisruptionBudget with maxUnavailable: 1), or accept the downtime explicitly with faultline.dev/ignore.",
        """
        With one replica, the Service has no endpoint while the pod is rescheduled: during node drains (every cluster
        upgrade), evictions and, for StatefulSets, every rollout. A workload without `replicas` runs one. A workload
        scaled by an HPA with minReplicas of two or more is not flagged; `replicas: 0` is taken as deliberate.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var single in DrainAnalysis.SingleReplicaWorkloads(context.Model))
        {
            var w = single.Workload;
            yield return context.ForWorkload(w, single.At,
                $"{w} runs one replica behind Service '{single.Service.Name}': every drain or restart is an outage",
                $"callers of {context.Model.ComponentName(w)} assume it stays reachable while nodes are drained",
                w.Replicas is null ? "spec.replicas not set (defaults to 1)" : "spec.replicas: 1");
        }
    }
}
