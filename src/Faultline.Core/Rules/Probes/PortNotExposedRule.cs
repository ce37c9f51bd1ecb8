using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Probes;

internal sealed class PortNotExposedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "probe.port-not-exposed",
        Severity.Low,
        "Probe port is not declared on the container",
        "A probe's port (number or name) is not in the container's ports list.",
        "Declare the port on the container (with a name if the probe uses one), or point the probe at a declared port.",
        """
        A probe on a numeric port that the container does not declare still runs, but it usually means the port list
        or the probe is out of date (the app moved ports, the probe did not); a container that declares no ports at
        all says nothing, so it is not reported. A probe on a named port that no
        container port carries cannot run at all: the kubelet reports an error and the probe fails forever, so that
        case is reported as high. Probes connect over TCP, so a port declared only for UDP does not count.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                foreach (var (name, probe) in new[] { ("liveness", c.Liveness), ("readiness", c.Readiness), ("startup", c.Startup) })
                {
                    if (probe?.Port is not { } port || c.DeclaresPort(port) || port.IsNumber && c.Ports.Count == 0)
                    {
                        continue;
                    }
                    var declared = c.Ports.Count == 0 ? "no ports" : "ports " + string.Join(", ", c.Ports.Select(p => p.Name is null ? $"{p.Number}" : $"{p.Name}({p.Number})"));
                    yield return context.ForWorkload(w, probe.Node,
                        port.IsNumber
                            ? $"{name} probe of container '{c.Name}' in {w} uses port {port}, which the container does not declare"
                            : $"{name} probe of container '{c.Name}' in {w} uses port name '{port}', which the container does not declare: the probe cannot run",
                        $"the {name} probe checks the port the application listens on",
                        $"{probe.Describe()}; container declares {declared}",
                        port.IsNumber ? null : Severity.High);
                }
            }
        }
    }
}
