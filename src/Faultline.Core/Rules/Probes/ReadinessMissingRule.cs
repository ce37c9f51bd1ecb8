using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Probes;

internal sealed class ReadinessMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "probe.readiness-missing",
        Severity.Medium,
        "Service-backed container has no readiness probe",
        "A container of a workload that a Service selects has no readiness probe, so it gets traffic as soon as it starts.",
        "Add a readinessProbe that answers only when the container can serve (e.g. HTTP GET /ready on the serving port).",
        """
        Without a readiness probe a pod joins the Service's endpoints the moment its containers start, before the
        application listens, and stays there while it is overloaded or shutting down. Callers see connection errors
        on every rollout. Only workloads selected by a Service are checked: a worker without a Service needs no
        readiness. A sidecar without a probe is not reported when another container of the pod has one and the
        sidecar declares none of the ports the Service targets: the pod is then ready only when the serving
        container is.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            if (context.Model.ServicesOf(w) is not { Count: > 0 } services)
            {
                continue;
            }
            var gated = w.Containers.Any(c => c.Readiness is not null);
            var targeted = services.SelectMany(s => s.Ports).Select(p => p.TargetPort).ToList();
            foreach (var c in w.Containers.Where(c => c.Readiness is null))
            {
                if (gated && !targeted.Any(p => c.DeclaresPort(p)))
                {
                    continue;
                }
                yield return context.ForWorkload(w, c.Node,
                    $"container '{c.Name}' of {w} has no readiness probe, yet Service '{services[0].Name}' sends it traffic",
                    $"callers of {services[0].Name} assume they reach only pods that can serve",
                    $"containers[{c.Name}] has no readinessProbe");
            }
        }
    }
}
