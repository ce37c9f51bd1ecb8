using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>
/// Finds the edges of the service graph in every address a workload is given: env vars (literal, from a
/// ConfigMap key, from envFrom, with $(VAR) expanded as the kubelet does), container command and args,
/// and ConfigMaps mounted as files; and in Ingress and HTTPRoute backends.
/// </summary>
internal static class EdgeInference
{
    public static IReadOnlyList<Edge> Infer(SystemModel model)
    {
        var edges = new List<Edge>();
        foreach (var w in model.Workloads)
        {
            var from = model.ComponentName(w);
            foreach (var c in w.InitContainers.Concat(w.Containers))
            {
                var resolved = model.EnvironmentOf(w, c);
                foreach (var e in resolved)
                {
                    Add(edges, model, w, from, e.Source, e.Value, Addresses.NameLooksLikeAddress(e.Name), e.Location, knownOnly: false);
                }
                var env = ContainerEnvironment.AsMap(resolved);
                AddArguments(edges, model, w, from, "command", c.Command, env);
                AddArguments(edges, model, w, from, "args", c.Args, env);
            }
            foreach (var cmName in w.MountedConfigMaps.Distinct(StringComparer.Ordinal))
            {
                if (model.FindConfigMap(w.Namespace, cmName) is not { } cm)
                {
                    continue;
                }
                foreach (var (key, value) in cm.Data)
                {
                    Add(edges, model, w, from, $"ConfigMap {cm.Name} key {key} (mounted)", value.Value, false, cm.Manifest.At(value), knownOnly: true);
                }
            }
        }
        foreach (var r in model.RouteBackends)
        {
            var target = model.FindService(r.Namespace, r.ServiceName);
            var evidence = new EdgeEvidence($"{r.Route.Kind} {r.Route.Name} backend", $"{r.ServiceName}:{r.Port?.ToString() ?? "-"}", r.Route.At(r.Node));
            edges.Add(new Edge(r.Route.Kind, r.Route.Name, r.Route.Namespace, r.ServiceName, r.ServiceName, r.Namespace,
                r.Port is { IsNumber: true } p ? p.Number : null, false, target, evidence, r.Route));
        }
        return edges;
    }

    private static void AddArguments(List<Edge> edges, SystemModel model, Workload w, string from, string field, IReadOnlyList<ScalarNode> items, IReadOnlyDictionary<string, string> env)
    {
        for (var i = 0; i < items.Count; i++)
        {
            Add(edges, model, w, from, $"{field}[{i}]", EnvExpansion.Expand(items[i].Value, env), false, w.Manifest.At(items[i]), knownOnly: false);
        }
    }

    private static void Add(List<Edge> edges, SystemModel model, Workload w, string from, string source, string value, bool bareHost, SourceLocation location, bool knownOnly)
    {
        foreach (var address in Addresses.Find(value, bareHost))
        {
            if (Resolve(model, address.Host, w.Namespace) is not (var name, var ns, var fqdn))
            {
                continue;
            }
            var target = model.FindService(ns, name);
            // A mounted file is free text, and a bare word in an address-named variable may be no host at all (a log
            // level, a mode): there only a Service that exists, or a cluster FQDN, is strong enough to be an edge.
            // The same goes for host:port in a variable not named like an address ("new-checkout:1" in a flag list).
            if (target is null && !fqdn && (knownOnly || !address.Structured || !address.IsUrl && !bareHost && source.StartsWith("env ", StringComparison.Ordinal)))
            {
                continue;
            }
            edges.Add(new Edge(w.Kind, from, w.Namespace, address.Host, name, ns, address.Port, address.PortImplied, target,
                new EdgeEvidence(source, value.Length > 200 ? value[..200] + "…" : value, location), w.Manifest));
        }
    }

    /// <summary>
    /// The Service (name, namespace) a host means inside the cluster, or null for external and local hosts.
    /// name.namespace counts only when the namespace appears in the input; otherwise it reads as a public domain.
    /// </summary>
    internal static (string Name, string Namespace, bool Fqdn)? Resolve(SystemModel model, string host, string callerNamespace)
    {
        if (host is "localhost" or "0.0.0.0" || Addresses.IsIp(host))
        {
            return null;
        }
        var labels = host.Split('.');
        var svc = Array.IndexOf(labels, "svc");
        if (svc > 0 && (svc == labels.Length - 1 || string.Join('.', labels[(svc + 1)..]) == "cluster.local"))
        {
            return svc switch
            {
                1 => (labels[0], "default", true),
                2 => (labels[0], labels[1], true),
                3 => (labels[1], labels[2], true), // pod-0.headless.namespace.svc: a StatefulSet pod behind a headless Service
                _ => null,
            };
        }
        if (labels.Length == 1)
        {
            return (host, callerNamespace, false);
        }
        if (labels.Length == 2 && model.Namespaces.Contains(labels[1]))
        {
            return (labels[0], labels[1], true);
        }
        if (labels.Length == 3 && model.Namespaces.Contains(labels[2]) && model.FindService(labels[2], labels[1]) is { Headless: true })
        {
            return (labels[1], labels[2], true);
        }
        return null;
    }
}
