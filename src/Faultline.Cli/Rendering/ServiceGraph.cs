using Faultline.Core.Model;

namespace Faultline.Cli.Rendering;

/// <summary>The service graph as renderers need it: nodes, and edges merged per (from, to) with all evidence.</summary>
internal sealed record ServiceGraph(IReadOnlyList<ServiceGraph.GraphNode> Nodes, IReadOnlyList<ServiceGraph.GraphEdge> Edges)
{
    public sealed record GraphNode(string Id, string Namespace, string Name, string Kind, bool Missing, IReadOnlyList<string> Workloads);

    /// <summary>
    /// Change is "added", "removed" or "changed" (ports differ) against a base; null without one. Declared: only a
    /// faultline.yaml, pact or Backstage entry says this call exists (no manifest wires it).
    /// </summary>
    public sealed record GraphEdge(string From, string To, IReadOnlyList<int> Ports, bool Broken, IReadOnlyList<EdgeEvidence> Evidence, string? Change = null, bool Declared = false);

    /// <summary>The head graph with each edge marked against the base: added, changed, and the removed ones kept.</summary>
    public static ServiceGraph Compare(SystemModel head, SystemModel baseModel)
    {
        var now = From(head);
        var before = From(baseModel);
        var old = before.Edges.ToDictionary(e => (e.From, e.To));
        var edges = now.Edges.Select(e => old.TryGetValue((e.From, e.To), out var b)
            ? b.Ports.SequenceEqual(e.Ports) ? e : e with { Change = "changed" }
            : e with { Change = "added" }).ToList();
        var current = edges.Select(e => (e.From, e.To)).ToHashSet();
        var nodes = now.Nodes.ToDictionary(n => n.Id);
        foreach (var removed in before.Edges.Where(e => !current.Contains((e.From, e.To))))
        {
            edges.Add(removed with { Change = "removed" });
            foreach (var id in new[] { removed.From, removed.To })
            {
                if (!nodes.ContainsKey(id))
                {
                    nodes[id] = before.Nodes.First(n => n.Id == id);
                }
            }
        }
        return new ServiceGraph(nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).ToList(),
            edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList());
    }

    public static ServiceGraph From(SystemModel model)
    {
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var s in model.Services)
        {
            nodes.TryAdd($"{s.Namespace}/{s.Name}", new GraphNode($"{s.Namespace}/{s.Name}", s.Namespace, s.Name, "Service", false,
                model.WorkloadsOf(s).Select(w => w.ToString()).ToList()));
        }
        foreach (var w in model.Workloads.Where(w => model.ServicesOf(w).Count == 0))
        {
            nodes.TryAdd($"{w.Namespace}/{w.Name}", new GraphNode($"{w.Namespace}/{w.Name}", w.Namespace, w.Name, w.Kind, false, [w.ToString()]));
        }
        var edges = new List<GraphEdge>();
        foreach (var group in model.Edges.GroupBy(e => (From: FromId(e), e.To)).OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal))
        {
            var first = group.First();
            if (first.FromKind is "Ingress" or "HTTPRoute" or "GRPCRoute")
            {
                nodes.TryAdd(group.Key.From, new GraphNode(group.Key.From, first.FromNamespace, first.FromName, first.FromKind, false, []));
            }
            if (first.Target is null)
            {
                nodes.TryAdd(group.Key.To, new GraphNode(group.Key.To, first.TargetNamespace, first.TargetName, "Service", true, []));
            }
            var broken = group.Any(e => e.Target is null || e.Port is { } p && !e.Target.Ports.Any(sp => sp.Port == p) && !e.Target.Headless && e.Target.Type != "ExternalName");
            edges.Add(new GraphEdge(group.Key.From, group.Key.To, group.Select(e => e.Port).OfType<int>().Distinct().Order().ToList(), broken, group.Select(e => e.Evidence).ToList()));
        }
        var wired = edges.Select(e => (e.From, e.To)).ToHashSet();
        foreach (var group in model.DeclaredCalls.GroupBy(d => (From: $"{d.FromNamespace}/{d.From}", To: $"{d.ToNamespace}/{d.To}"))
            .Where(g => g.Key.From != g.Key.To && !wired.Contains(g.Key)))
        {
            var first = group.First();
            // A declared party the input does not have is outside it (a bank, a SaaS API), not a broken reference.
            nodes.TryAdd(group.Key.From, new GraphNode(group.Key.From, first.FromNamespace, first.From, "External", false, []));
            nodes.TryAdd(group.Key.To, new GraphNode(group.Key.To, first.ToNamespace, first.To, "External", false, []));
            edges.Add(new GraphEdge(group.Key.From, group.Key.To, [], false, group.Select(d => d.Evidence).ToList(), Declared: true));
        }
        return new ServiceGraph(nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).ToList(),
            edges.OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList());
    }

    private static string FromId(Edge e) =>
        e.FromKind is "Ingress" or "HTTPRoute" or "GRPCRoute" ? $"{e.FromNamespace}/{e.FromKind.ToLowerInvariant()}:{e.FromName}" : e.From;
}
