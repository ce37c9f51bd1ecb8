using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Resources;

internal sealed class HpaWithoutRequestsRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "resources.hpa-without-requests",
        Severity.High,
        "Autoscaler scales on utilisation of a request that is not set",
        "An HPA scales on CPU or memory utilisation, but containers of its target have no such request (nor a limit to default it from).",
        "Set the request for the resource the HPA scales on in every container of the target workload.",
        """
        Utilisation is usage divided by request. When a container has no request for that resource, the HPA cannot
        compute it: it reports `FailedGetResourceMetric` and never scales, so the service meets its next traffic peak
        at its minimum size. A limit alone is enough, since the request then defaults to it.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var hpa in context.Model.Autoscalers)
        {
            if (context.Model.FindWorkload(hpa.Namespace, hpa.TargetKind, hpa.TargetName) is not { } w)
            {
                continue;
            }
            foreach (var (resource, container, node) in hpa.UtilizationMetrics)
            {
                var lacking = w.Containers.Where(c => container is null || c.Name == container).Where(c => resource switch
                {
                    "cpu" => c.Resources.CpuRequest is null && c.Resources.CpuLimit is null,
                    "memory" => c.Resources.MemoryRequest is null && c.Resources.MemoryLimit is null,
                    _ => false,
                }).Select(c => c.Name).ToList();
                if (lacking.Count == 0)
                {
                    continue;
                }
                yield return context.ForObject(hpa.Manifest, context.Model.ComponentName(w), node,
                    $"HPA '{hpa.Name}' scales {w} on {resource} utilisation, but container(s) {string.Join(", ", lacking)} have no {resource} request: the HPA cannot compute utilisation and never scales",
                    $"{w.Name} scales out under {resource} load",
                    $"{w} at {w.Manifest.Location}: no resources.requests.{resource} in {string.Join(", ", lacking)}");
            }
        }
    }
}
