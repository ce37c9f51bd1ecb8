using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Resources;

internal sealed class MemoryLimitMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "resources.memory-limit-missing",
        Severity.Medium,
        "Memory limit missing",
        "A container has no memory limit: it can take memory from its neighbours until the node runs out.",
        "Set resources.limits.memory (commonly equal to the request for predictable behaviour), and size runtime heaps below it.",
        """
        Without a memory limit a leak or a burst grows until the node is under memory pressure, and then the kubelet
        evicts or the kernel OOM-kills whichever pods it picks, often not the culprit. Environments often differ here:
        a namespace LimitRange in production may impose a default limit that staging lacks, so the container meets a
        limit for the first time in production.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers.Where(c => c.Resources.MemoryLimit is null))
            {
                yield return context.ForWorkload(w, c.Resources.Node ?? c.Node,
                    $"container '{c.Name}' of {w} has no memory limit",
                    "the container's memory use is bounded",
                    "no resources.limits.memory");
            }
        }
    }
}
