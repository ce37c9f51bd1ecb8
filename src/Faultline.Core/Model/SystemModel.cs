using Faultline.Core.Contracts;
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
    private readonly Dictionary<string, (IReadOnlyList<string>, int, IReadOnlyList<string>)> _upstream = new(StringComparer.Ordinal);
    private readonly ReachabilityIndex _reachability;
    private Dictionary<(string, string), IReadOnlyList<CallPolicy>>? _policiesByCallee;
    private Dictionary<(string, string), IReadOnlyList<(string, string)>>? _callees;
    private readonly Dictionary<Container, IReadOnlyList<ResolvedEnv>> _environments = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Ns, string Kind, string Name), Autoscaler> _autoscalerByTarget = new();
    private readonly Dictionary<string, List<Workload>> _podsByNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ns, string Key, string Value), List<Workload>> _podsByLabel = new();
    private readonly Dictionary<(string Ns, string Name), ConfigMap> _configMaps = new();
    private readonly Dictionary<Manifest, Workload> _workloadByManifest = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string Ns, string Kind, string Name), Workload> _workloadByName = new();

    internal SystemModel(
        IReadOnlyList<Manifest> manifests,
        IReadOnlyList<Workload> workloads,
        IReadOnlyList<Service> services,
        IReadOnlyList<ConfigMap> configMaps,
        IReadOnlyList<DisruptionBudget> budgets,
        IReadOnlyList<Autoscaler> autoscalers,
        IReadOnlyList<RouteBackend> routeBackends,
        ContractSet contracts)
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

        foreach (var h in autoscalers)
        {
            _autoscalerByTarget.TryAdd((h.Namespace, h.TargetKind, h.TargetName), h);
        }
        foreach (var c in configMaps)
        {
            _configMaps.TryAdd((c.Namespace, c.Name), c);
        }
        foreach (var w in workloads)
        {
            _workloadByManifest.TryAdd(w.Manifest, w);
            _workloadByName.TryAdd((w.Namespace, w.Kind, w.Name), w);
        }
        _servicesByKey = new();
        foreach (var s in services)
        {
            _servicesByKey.TryAdd((s.Namespace, s.Name), s);
        }

        foreach (var w in workloads)
        {
            if (w.RunsToCompletion)
            {
                continue;
            }
            if (!_podsByNamespace.TryGetValue(w.Namespace, out var all))
            {
                _podsByNamespace[w.Namespace] = all = [];
            }
            all.Add(w);
            foreach (var (k, v) in w.PodLabels)
            {
                if (!_podsByLabel.TryGetValue((w.Namespace, k, v), out var list))
                {
                    _podsByLabel[(w.Namespace, k, v)] = list = [];
                }
                list.Add(w);
            }
        }
        _workloadsOfService = new();
        var ofWorkload = workloads.ToDictionary(w => w, _ => new List<Service>());
        foreach (var s in services)
        {
            var selected = s.Selector is { Count: > 0 } selector
                ? WorkloadsMatching(s.Namespace, LabelSelector.FromMap(selector)).ToList()
                : [];
            foreach (var w in selected)
            {
                ofWorkload[w].Add(s);
            }
            _workloadsOfService[s] = selected;
        }
        _servicesOfWorkload = ofWorkload.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Service>)kv.Value.OrderBy(s => s.Name, StringComparer.Ordinal).ToList());

        Edges = EdgeInference.Infer(this);
        Contracts = NormalizeContracts(contracts);
        Policies = manifests.SelectMany(ResilienceReader.Policies).Concat(AssumedCalls()).ToList();
        Topics = TopicsOf(manifests, Contracts);
        var callers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Calls(string from, string to)
        {
            if (!callers.TryGetValue(to, out var set))
            {
                callers[to] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            if (from != to)
            {
                set.Add(from);
            }
        }
        foreach (var e in Edges)
        {
            Calls(e.FromKind is "Ingress" or "HTTPRoute" or "GRPCRoute" ? $"{e.FromNamespace}/{e.FromKind.ToLowerInvariant()}:{e.FromName}" : e.From, ComponentOf(e.TargetNamespace, e.TargetName));
        }
        // Declared calls count for the blast radius too (see DeclaredCalls).
        DeclaredCalls = Declared().ToList();
        foreach (var d in DeclaredCalls)
        {
            Calls(ComponentOf(d.FromNamespace, d.From), ComponentOf(d.ToNamespace, d.To));
        }
        _reachability = new ReachabilityIndex(callers.ToDictionary(kv => kv.Key, kv => kv.Value.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal));
    }

    public IReadOnlyList<Manifest> Manifests { get; }

    public IReadOnlyList<Workload> Workloads { get; }

    public IReadOnlyList<Service> Services { get; }

    public IReadOnlyList<ConfigMap> ConfigMaps { get; }

    public IReadOnlyList<DisruptionBudget> DisruptionBudgets { get; }

    public IReadOnlyList<Autoscaler> Autoscalers { get; }

    public IReadOnlyList<RouteBackend> RouteBackends { get; }

    public IReadOnlySet<string> Namespaces { get; }

    /// <summary>Interfaces and consumer expectations, with interfaces declared on a workload moved to its Service.</summary>
    public ContractSet Contracts { get; }

    /// <summary>Timeouts and retries from the mesh and from faultline.yaml, as callers apply them.</summary>
    public IReadOnlyList<CallPolicy> Policies { get; }

    public IReadOnlyList<TopicInfo> Topics { get; }

    /// <summary>Timeout and retry policies on calls to one Service.</summary>
    public IReadOnlyList<CallPolicy> PoliciesFor(string callee, string ns)
    {
        _policiesByCallee ??= Policies.GroupBy(p => (p.Callee, p.CalleeNamespace)).ToDictionary(g => g.Key, g => (IReadOnlyList<CallPolicy>)g.ToList());
        return _policiesByCallee.GetValueOrDefault((callee, ns)) ?? [];
    }

    /// <summary>Services a service calls: the edges of the graph and faultline.yaml calls, each once.</summary>
    public IReadOnlyList<(string Name, string Namespace)> CalleesOf(string service, string ns)
    {
        if (_callees is null)
        {
            var map = new Dictionary<(string, string), List<(string, string)>>();
            foreach (var (from, to) in Edges.Where(e => e.FromKind is not ("Ingress" or "HTTPRoute" or "GRPCRoute"))
                .Select(e => ((e.FromName, e.FromNamespace), (e.TargetName, e.TargetNamespace)))
                .Concat(Policies.Where(p => p.Caller is not null).Select(p => ((p.Caller!, p.CalleeNamespace), (p.Callee, p.CalleeNamespace)))))
            {
                if (!map.TryGetValue(from, out var list))
                {
                    map[from] = list = [];
                }
                if (!list.Contains(to))
                {
                    list.Add(to);
                }
            }
            _callees = map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(string, string)>)kv.Value);
        }
        return _callees.GetValueOrDefault((service, ns)) ?? [];
    }

    private IEnumerable<CallPolicy> AssumedCalls()
    {
        foreach (var a in Contracts.Assumptions)
        {
            foreach (var c in a.Calls)
            {
                string? method = null;
                string? path = null;
                if (c.Operation is { } op && op.IndexOf(' ') is > 0 and var space)
                {
                    method = op[..space].ToUpperInvariant();
                    path = op[(space + 1)..].Trim();
                }
                yield return new CallPolicy(a.Service, c.Service, c.Namespace ?? a.Namespace ?? "default", method, path, c.Timeout,
                    c.Attempts is { } n ? Math.Max(1, n) : 1, c.PerTryTimeout, c.RetryOn, PolicyOrigin.Assumptions, c.Location);
            }
        }
    }

    /// <summary>
    /// Calls that no manifest wires but a team declared: faultline.yaml `consumes: - service:` entries, pact and
    /// Backstage dependencies (an assumption without a namespace is in "default"; a pact's consumer is taken to be
    /// in its provider's namespace). Topic readers are not callers of the producer and are not here.
    /// </summary>
    public IReadOnlyList<DeclaredCall> DeclaredCalls { get; }

    private IEnumerable<DeclaredCall> Declared()
    {
        foreach (var a in Contracts.Assumptions)
        {
            foreach (var c in a.Calls)
            {
                yield return new DeclaredCall(a.Namespace ?? "default", a.Service, c.Namespace ?? a.Namespace ?? "default", c.Service,
                    new EdgeEvidence("faultline.yaml consumes", c.Operation is null ? $"service {c.Service}" : $"{c.Service} {c.Operation}", c.Location));
            }
        }
        foreach (var e in Contracts.Expectations.Where(e => !e.IsMessage && e.Consumer != e.Provider && e.Origin != ExpectationOrigin.Assumptions))
        {
            var ns = e.ProviderNamespace ?? "default";
            yield return new DeclaredCall(ns, e.Consumer, ns, e.Provider,
                new EdgeEvidence(e.Origin == ExpectationOrigin.Pact ? "pact" : "backstage", e.Method is null ? $"{e.Consumer} uses {e.Provider}" : $"{e.Method} {e.Path}", e.Location));
        }
    }

    private ContractSet NormalizeContracts(ContractSet contracts)
    {
        var interfaces = contracts.Interfaces.Select(i =>
            i.DeclaredBy is not ("Service" or "Assumptions" or "Backstage") && FindWorkload(i.Namespace, i.DeclaredBy, i.Service) is { } w
                ? i with { Service = ComponentName(w) }
                : i).ToList();
        return contracts with { Interfaces = interfaces, Assumptions = WithAsyncApiProducers(contracts.Assumptions, interfaces) };
    }

    /// <summary>
    /// A message an AsyncAPI document sends with a Kafka key makes its service a producer of that topic with that
    /// key, for the ordering rules; a faultline.yaml `produces` entry for the same topic stays authoritative.
    /// </summary>
    private static List<ServiceAssumptions> WithAsyncApiProducers(IReadOnlyList<ServiceAssumptions> assumptions, List<ServiceInterface> interfaces)
    {
        var result = assumptions.ToList();
        foreach (var i in interfaces)
        {
            foreach (var op in i.Spec.Operations)
            {
                if (op.Method != ApiOperation.Send || op.Kafka is not { } kafka || kafka.KeyField is null && kafka.KeySchema is null)
                {
                    continue;
                }
                var index = result.FindIndex(a => a.Service == i.Service && (a.Namespace is null || a.Namespace == i.Namespace));
                if (index >= 0 && result[index].Topics.Any(t => t.Produces && t.Topic == kafka.Topic))
                {
                    continue;
                }
                var produced = new TopicAssumption(kafka.Topic, true, kafka.KeyField, kafka.KeyAt ?? op.Location) { KeySchema = kafka.KeySchema, FromAsyncApi = true };
                if (index < 0)
                {
                    result.Add(new ServiceAssumptions(i.Service, i.Namespace, i.DeclaredAt, null, null, null, [], [produced]));
                }
                else
                {
                    result[index] = result[index] with { Topics = [.. result[index].Topics, produced] };
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Topics with their partition counts: Strimzi KafkaTopic resources, then AsyncAPI channel bindings for topics
    /// no KafkaTopic of the same namespace declares (the KafkaTopic is what the operator applies, so it wins).
    /// </summary>
    private static List<TopicInfo> TopicsOf(IReadOnlyList<Manifest> manifests, ContractSet contracts)
    {
        var topics = manifests.Select(ResilienceReader.Topic).OfType<TopicInfo>().ToList();
        foreach (var i in contracts.Interfaces)
        {
            foreach (var kafka in i.Spec.Operations.Select(o => o.Kafka).OfType<KafkaBinding>())
            {
                if (kafka.Partitions is { } partitions && !topics.Any(t => t.Name == kafka.Topic && t.Namespace == i.Namespace))
                {
                    topics.Add(new TopicInfo(kafka.Topic, i.Namespace, partitions, kafka.PartitionsAt ?? i.DeclaredAt) { Source = TopicInfo.FromAsyncApiBinding });
                }
            }
        }
        return topics;
    }

    /// <summary>Edges in input order, each with the evidence that created it.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    public Workload? WorkloadOf(Manifest manifest) => _workloadByManifest.GetValueOrDefault(manifest);

    public Workload? FindWorkload(string ns, string kind, string name) => _workloadByName.GetValueOrDefault((ns, kind, name));

    public Service? FindService(string ns, string name) => _servicesByKey.GetValueOrDefault((ns, name));

    /// <summary>A container's resolved environment, computed once (edges and several rules read it).</summary>
    public IReadOnlyList<ResolvedEnv> EnvironmentOf(Workload w, Container c)
    {
        lock (_environments)
        {
            if (!_environments.TryGetValue(c, out var env))
            {
                _environments[c] = env = ContainerEnvironment.Resolve(this, w, c);
            }
            return env;
        }
    }

    /// <summary>The HPA that scales a workload, if any.</summary>
    public Autoscaler? AutoscalerOf(Workload w) => _autoscalerByTarget.GetValueOrDefault((w.Namespace, w.Kind, w.Name));

    public ConfigMap? FindConfigMap(string ns, string name) => _configMaps.GetValueOrDefault((ns, name));

    public IReadOnlyList<Workload> WorkloadsOf(Service service) => _workloadsOfService.GetValueOrDefault(service) ?? [];

    public IReadOnlyList<Service> ServicesOf(Workload workload) => _servicesOfWorkload.GetValueOrDefault(workload) ?? [];

    /// <summary>Long-running workloads of a namespace whose pod labels a selector matches, in input order.</summary>
    public IEnumerable<Workload> WorkloadsMatching(string ns, LabelSelector selector)
    {
        if (selector.Invalid)
        {
            return [];
        }
        // Start from the rarest label=value pair the selector requires, then check the whole selector.
        IEnumerable<Workload>? candidates = null;
        foreach (var (k, v) in selector.MatchLabels)
        {
            var list = _podsByLabel.GetValueOrDefault((ns, k, v));
            if (list is null)
            {
                return [];
            }
            if (candidates is null || list.Count < ((List<Workload>)candidates).Count)
            {
                candidates = list;
            }
        }
        candidates ??= _podsByNamespace.GetValueOrDefault(ns) ?? [];
        return candidates.Where(w => selector.Matches(w.PodLabels));
    }

    /// <summary>The graph node a workload belongs to: the first Service selecting it, else the workload itself.</summary>
    public string ComponentName(Workload workload) => ServicesOf(workload) is { Count: > 0 } s ? s[0].Name : workload.Name;

    private string ComponentOf(string ns, string name) => $"{ns}/{name}";

    /// <summary>Graph nodes that reach <paramref name="component"/> through edges: the nearest ones, and how many in all.</summary>
    public (IReadOnlyList<string> Nearest, int Count, IReadOnlyList<string> Chain) Upstream(string ns, string component, int limit)
    {
        var start = ComponentOf(ns, component);
        lock (_upstream)
        {
            if (!_upstream.TryGetValue(start, out var cached))
            {
                var (nearest, chain) = _reachability.Walk(start, limit);
                _upstream[start] = cached = (nearest, _reachability.Count(start), chain);
            }
            return cached;
        }
    }

}
