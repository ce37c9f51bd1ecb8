using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Reference;

internal sealed class PortMismatchRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "reference.port-mismatch",
        Severity.High,
        "Addressed port is not a port of the Service",
        "A caller addresses a Service on a port that the Service does not expose.",
        "Use one of the Service's ports in the address, or add the port to the Service (with the right targetPort).",
        """
        A Service only forwards the ports it lists. A caller configured with `cart:7000` while Service `cart` exposes
        7070 gets connection refused (or a timeout) on every call. URLs without a port use the scheme's default
        (http 80, https 443, redis 6379, postgres 5432, ...), which is a common source of this mistake. For a
        headless Service the caller reaches pods directly, so a container port of a selected pod is also accepted.
        Ingress and HTTPRoute backends are checked by port number and by port name.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var seen = new HashSet<(string, string, string)>();
        foreach (var e in context.Model.Edges)
        {
            if (e.Target is not { } service || e.Port is not { } port || Exposes(context.Model, service, port)
                || !seen.Add((e.From, e.To, e.Evidence.Location.ToString())))
            {
                continue;
            }
            var exposed = service.Ports.Count == 0 ? "no ports" : "port " + string.Join(", ", service.Ports.Select(p => p.Port));
            var how = e.PortImplied ? $" (no port in the URL, so the scheme's default {port})" : "";
            var message = $"{e.FromKind} {e.FromManifest.Name} calls Service '{service.Name}' on port {port}{how}, but the Service exposes {exposed}";
            var assumption = $"{e.FromName} assumes Service {service.Name} listens on port {port}";
            yield return Report(context, e, message, assumption, service);
        }
        foreach (var r in context.Model.RouteBackends)
        {
            if (r.Port is not { IsNumber: false } named || context.Model.FindService(r.Namespace, r.ServiceName) is not { } service
                || service.Ports.Any(p => p.Name == named.Name))
            {
                continue;
            }
            yield return context.ForObject(r.Route, service.Name, r.Node,
                $"{r.Route.Kind} {r.Route.Name} routes to port '{named.Name}' of Service '{service.Name}', which has no port of that name",
                $"{r.Route.Name} assumes Service {service.Name} has a port named {named.Name}",
                $"Service ports: {string.Join(", ", service.Ports.Select(p => p.Name ?? p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))} ({service.Manifest.Location})");
        }
    }

    private static Finding Report(RuleContext context, Edge e, string message, string assumption, Service service)
    {
        var evidence = $"{e.Evidence}; Service {service.Name} at {service.Manifest.Location}";
        return context.Model.WorkloadOf(e.FromManifest) is { } w
            ? context.ForWorkload(w, null, message, assumption, evidence) with { Location = e.Evidence.Location }
            : context.ForObject(e.FromManifest, service.Name, null, message, assumption, evidence) with { Location = e.Evidence.Location };
    }

    private static bool Exposes(SystemModel model, Service service, int port) =>
        service.Ports.Any(p => p.Port == port)
        || service.Headless && model.WorkloadsOf(service).Any(w => w.Containers.Any(c => c.Ports.Any(p => p.Number == port)))
        || service.Type == "ExternalName";
}
