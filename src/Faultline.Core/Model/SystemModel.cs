using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>
/// The system as inferred from the input: workloads, Services, routes, budgets, autoscalers and the edges between
/// them. Services are the nodes of the service graph; a workload belongs to the Service that selects it.
/// </summary>
public sealed class SystemModel
{
    private readonly Dictionary<(string Ns, string Name), Service> _servicesByKey;
    private readonly Dictionary<Workload, IReadOnlyList<Service>> _servicesOfWorkload;
    private readonly Dictionary<Service, IReadOnlyList<Workload>> _workloadsOfService;
    private readonly Dictionary<string, HashSet<string>> _callers;

    internal SystemModel(
        IReadOnlyList<Manifest> manifests,
        IReadOnlyList<Workload> workloads,
        IReadOnlyList<Service> services,
        IReadOnlyList<ConfigMap> configMaps,
        IReadOnlyList<DisruptionBudget> budgets,
        IReadOnlyList<Autoscaler> autoscalers,
        IReadOnlyList<RouteBackend> routeBackends)
    {
        Manifests = manifests;
        Workloads = workloads;
        Services = services;
        ConfigMaps = configMaps;
        DisruptionBudgets = budgets;
        Autoscalers = autoscalers;
        RouteBackends = routeBackends;
        Namespaces = manifests.Select(m => m.Namespace)
            .Concat(manifests.Where(m => m.Kind == "Namespace").Select(m => m.Name))
            .ToHashSet(StringComparer.Ordinal);

        _servicesByKey = new();
        foreach (var s in services)
        {
            _servicesByKey.TryAdd((s.Namespace, s.Name), s);
        }

        var podsByNamespace = workloads.GroupBy(w => w.Namespace).ToDictionary(g => g.Key, g => g.ToList());
        _workloadsOfService = new();
        var ofWorkload = workloads.ToDictionary(w => w, _ => new List<Service>());
        foreach (var s in services)
        {
            var selected = new List<Workload>();
            if (s.Selector is { Count: > 0 } selector && podsByNamespace.TryGetValue(s.Namespace, out var candidates))
            {
                var ls = LabelSelector.FromMap(selector);
                foreach (var w in candidates)
                {
                    if (!w.RunsToCompletion && ls.Matches(w.PodLabels))
                    {
                        selected.Add(w);
                        ofWorkload[w].Add(s);
                    }
                }
            }
            _workloadsOfService[s] = selected;
        }
        _servicesOfWorkload = ofWorkload.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Service>)kv.Value.OrderBy(s => s.Name, StringComparer.Ordinal).ToList());

        Edges = EdgeInference.Infer(this);
        _callers = new();
        foreach (var e in Edges)
        {
            var to = ComponentOf(e.TargetNamespace, e.TargetName);
            var from = e.FromKind is "Ingress" or "HTTPRoute" ? $"{e.FromNamespace}/{e.FromKind.ToLowerInvariant()}:{e.FromName}" : e.From;
            if (!_callers.TryGetValue(to, out var set))
            {
                _callers[to] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            if (from != to)
            {
                set.Add(from);
            }
        }
    }

    public IReadOnlyList<Manifest> Manifests { get; }

    public IReadOnlyList<Workload> Workloads { get; }

    public IReadOnlyList<Service> Services { get; }

    public IReadOnlyList<ConfigMap> ConfigMaps { get; }

    public IReadOnlyList<DisruptionBudget> DisruptionBudgets { get; }

    public IReadOnlyList<Autoscaler> Autoscalers { get; }

    public IReadOnlyList<RouteBackend> RouteBackends { get; }

    public IReadOnlySet<string> Namespaces { get; }

    /// <summary>Edges in input order, each with the evidence that created it.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    public Workload? WorkloadOf(Manifest manifest) => Workloads.FirstOrDefault(w => ReferenceEquals(w.Manifest, manifest));

    public Workload? FindWorkload(string ns, string kind, string name) =>
        Workloads.FirstOrDefault(w => w.Namespace == ns && w.Kind == kind && w.Name == name);

    public Service? FindService(string ns, string name) => _servicesByKey.GetValueOrDefault((ns, name));

    public ConfigMap? FindConfigMap(string ns, string name) =>
        ConfigMaps.FirstOrDefault(c => c.Namespace == ns && c.Name == name);

    public IReadOnlyList<Workload> WorkloadsOf(Service service) => _workloadsOfService.GetValueOrDefault(service) ?? [];

    public IReadOnlyList<Service> ServicesOf(Workload workload) => _servicesOfWorkload.GetValueOrDefault(workload) ?? [];

    public IEnumerable<Workload> WorkloadsMatching(string ns, LabelSelector selector) =>
        Workloads.Where(w => w.Namespace == ns && !w.RunsToCompletion && selector.Matches(w.PodLabels));

    /// <summary>The graph node a workload belongs to: the first Service selecting it, else the workload itself.</summary>
    public string ComponentName(Workload workload) => ServicesOf(workload) is { Count: > 0 } s ? s[0].Name : workload.Name;

    private string ComponentOf(string ns, string name) => $"{ns}/{name}";

    /// <summary>Every graph node that reaches <paramref name="component"/> through edges, nearest first.</summary>
    public IReadOnlyList<string> Upstream(string ns, string component)
    {
        var start = ComponentOf(ns, component);
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var order = new List<string>();
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (!_callers.TryGetValue(next, out var callers))
            {
                continue;
            }
            foreach (var c in callers.Order(StringComparer.Ordinal))
            {
                if (seen.Add(c))
                {
                    order.Add(c);
                    queue.Enqueue(c);
                }
            }
        }
        return order;
    }

    /// <summary>The graph node id of a caller workload, as edges and the blast radius name it.</summary>
    public string NodeOf(Workload workload) => $"{workload.Namespace}/{ComponentName(workload)}";
}
