using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Resources;

internal sealed class LimitBelowRequestRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "resources.limit-below-request",
        Severity.High,
        "Limit below request",
        "A container's CPU or memory limit is lower than its request; the API server rejects such a pod.",
        "Raise the limit to at least the request, or lower the request.",
        """
        Kubernetes requires limit >= request for every resource. The Deployment is accepted but its pods are not:
        the ReplicaSet fails to create them, and the rollout stalls with an event that few people read.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.InitContainers.Concat(w.Containers))
            {
                foreach (var (resource, request, limit) in new[] { ("cpu", c.Resources.CpuRequest, c.Resources.CpuLimit), ("memory", c.Resources.MemoryRequest, c.Resources.MemoryLimit) })
                {
                    if (request is null || limit is null || limit.Value >= request.Value)
                    {
                        continue;
                    }
                    yield return context.ForWorkload(w, limit.Node,
                        $"container '{c.Name}' of {w}: {resource} limit {limit.Text} is below its request {request.Text}; its pods will be rejected",
                        $"pods of {w.Name} can be created",
                        $"requests.{resource}: {request.Text}, limits.{resource}: {limit.Text}");
                }
            }
        }
    }
}
