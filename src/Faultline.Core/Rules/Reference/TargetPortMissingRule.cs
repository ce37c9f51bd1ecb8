using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Reference;

internal sealed class TargetPortMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "reference.target-port-missing",
        Severity.High,
        "Service targetPort is not exposed by its pods",
        "A Service's targetPort (by name or number) is declared by none of the containers it selects.",
        "Set targetPort to a port the container declares (by name or number), or declare the port on the container.",
        """
        A named targetPort is resolved per pod from the container's `ports[].name`; when no container declares it,
        the Service has no endpoints for that port. A numeric targetPort works even when undeclared, so it is flagged
        only when the selected containers declare ports and none of them is this one: then the port list is the
        team's own statement of what the app listens on, and the Service disagrees with it.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var s in context.Model.Services)
        {
            var workloads = context.Model.WorkloadsOf(s);
            if (workloads.Count == 0)
            {
                continue;
            }
            var containers = workloads.SelectMany(w => w.Containers).ToList();
            foreach (var port in s.Ports)
            {
                if (!port.TargetPort.IsNumber && workloads.FirstOrDefault(w => !w.Containers.Any(c => c.DeclaresPort(port.TargetPort, port.Protocol))) is { } lacking
                    && workloads.Any(w => w != lacking && w.Containers.Any(c => c.DeclaresPort(port.TargetPort, port.Protocol))))
                {
                    yield return context.ForObject(s.Manifest, s.Name, port.Node,
                        $"Service '{s.Name}' port {port.Port} targets named port '{port.TargetPort}', which {lacking} does not declare: its pods get no endpoint for this port",
                        $"every pod behind {s.Name}:{port.Port} listens on {port.TargetPort}",
                        $"{lacking} at {lacking.Manifest.Location} declares {string.Join(", ", lacking.Containers.SelectMany(c => c.Ports).Select(p => p.Name ?? p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");
                    continue;
                }
                if (containers.Any(c => c.DeclaresPort(port.TargetPort, port.Protocol)))
                {
                    continue;
                }
                if (port.TargetPort.IsNumber && !containers.Any(c => c.Ports.Count > 0))
                {
                    continue;
                }
                var declared = containers.SelectMany(c => c.Ports).Select(p => p.Name is null ? $"{p.Number}" : $"{p.Name}({p.Number})").Distinct().ToList();
                yield return context.ForObject(s.Manifest, s.Name, port.Node,
                    $"Service '{s.Name}' port {port.Port} targets {(port.TargetPort.IsNumber ? "port" : "named port")} '{port.TargetPort}', which no selected container declares",
                    $"callers of {s.Name}:{port.Port} assume traffic reaches a container listening on {port.TargetPort}",
                    $"selected: {string.Join(", ", workloads)}; declared ports: {(declared.Count == 0 ? "none" : string.Join(", ", declared))}");
            }
        }
    }
}
