using System.Globalization;
using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>A PodDisruptionBudget that refuses every eviction of the pods it selects.</summary>
internal sealed record BlockingBudget(DisruptionBudget Budget, IReadOnlyList<Workload> Workloads, int Replicas, string Why, Node? At);

/// <summary>A Deployment or StatefulSet behind a Service that runs one pod, so draining its node is an outage.</summary>
internal sealed record SingleReplicaWorkload(Workload Workload, Service Service, Node? At);

/// <summary>
/// What a node drain (kubectl drain, cluster autoscaler, a managed upgrade) does to the workloads of a model.
/// Shared by the availability rules and the upgrade planner so both judge a drain the same way.
/// </summary>
internal static class DrainAnalysis
{
    public static IEnumerable<BlockingBudget> BlockingBudgets(SystemModel model)
    {
        foreach (var pdb in model.DisruptionBudgets)
        {
            // Drains skip DaemonSet pods, and a workload scaled to zero has nothing to evict.
            var workloads = model.WorkloadsMatching(pdb.Namespace, pdb.Selector).Where(w => w.Kind != "DaemonSet").ToList();
            var replicas = workloads.Sum(w => Replicas(model, w));
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
            if (why is not null)
            {
                yield return new BlockingBudget(pdb, workloads, replicas, why, (Node?)pdb.MaxUnavailable ?? pdb.MinAvailable);
            }
        }
    }

    public static IEnumerable<SingleReplicaWorkload> SingleReplicaWorkloads(SystemModel model)
    {
        foreach (var w in model.Workloads)
        {
            if (w.Kind is not ("Deployment" or "StatefulSet") || model.ServicesOf(w).Count == 0 || (w.Replicas ?? 1) != 1)
            {
                continue;
            }
            if (model.Autoscalers.Any(h => h.Namespace == w.Namespace && h.TargetKind == w.Kind && h.TargetName == w.Name && h.MinReplicas >= 2))
            {
                continue;
            }
            yield return new SingleReplicaWorkload(w, model.ServicesOf(w)[0], w.Manifest.Root.Map("spec")?["replicas"]);
        }
    }

    /// <summary>The pods a workload runs: the HPA's minReplicas when one scales it, else spec.replicas (default 1).</summary>
    public static int Replicas(SystemModel model, Workload w) =>
        model.Autoscalers.FirstOrDefault(h => h.Namespace == w.Namespace && h.TargetKind == w.Kind && h.TargetName == w.Name)?.MinReplicas
        ?? w.Replicas
        ?? 1;

    /// <summary>Pods that must stay available: a percentage is rounded up, as the disruption controller does.</summary>
    private static int? Required(string text, int replicas)
    {
        if (text.EndsWith('%') && decimal.TryParse(text[..^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var pct))
        {
            return (int)Math.Ceiling(pct * replicas / 100m);
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
