using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resources;

internal sealed class RequestsMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "resources.requests-missing",
        Severity.Medium,
        "CPU or memory request missing",
        "A container sets no CPU or no memory request, so the scheduler places it as if it needed nothing.",
        "Set resources.requests.cpu and resources.requests.memory from observed usage (e.g. the p95 over a week).",
        """
        The scheduler packs pods by their requests. A container without one is placed on any node, competes for CPU
        with no guarantee, and is the first to be evicted under memory pressure (BestEffort or Burstable QoS). When a
        limit is set but the request is not, Kubernetes defaults the request to the limit: that is reported as info,
        since it works but usually reserves more than the container uses.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                foreach (var (resource, request, limit) in new[] { ("cpu", c.Resources.CpuRequest, c.Resources.CpuLimit), ("memory", c.Resources.MemoryRequest, c.Resources.MemoryLimit) })
                {
                    if (request is not null)
                    {
                        continue;
                    }
                    yield return limit is not null
                        ? context.ForWorkload(w, limit.Node,
                            $"container '{c.Name}' of {w} sets a {resource} limit ({limit.Text}) but no request: the request defaults to the limit",
                            $"the scheduler reserves {limit.Text} {resource} for this container",
                            $"resources.limits.{resource}: {limit.Text}, no resources.requests.{resource}",
                            Severity.Info)
                        : context.ForWorkload(w, c.Resources.Node ?? c.Node,
                            $"container '{c.Name}' of {w} has no {resource} request",
                            $"the scheduler knows how much {resource} this container needs",
                            $"no resources.requests.{resource} and no resources.limits.{resource}");
                }
            }
        }
    }
}
