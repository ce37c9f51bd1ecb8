using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>Infers the system model from Kubernetes objects. Unknown kinds are kept as manifests only.</summary>
public static class ModelBuilder
{
    private static readonly HashSet<string> WorkloadKinds =
        ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "Rollout"];

    public static SystemModel Build(IReadOnlyList<Manifest> manifests, ContractSet? contracts = null)
    {
        var workloads = new List<Workload>();
        var services = new List<Service>();
        var configMaps = new List<ConfigMap>();
        var budgets = new List<DisruptionBudget>();
        var autoscalers = new List<Autoscaler>();
        var routes = new List<RouteBackend>();
        foreach (var m in manifests)
        {
            switch (m.Kind)
            {
                case var k when WorkloadKinds.Contains(k):
                    if (ReadWorkload(m) is { } w)
                    {
                        workloads.Add(w);
                    }
                    break;
                case "Service" when m.ApiVersion == "v1":
                    services.Add(ReadService(m));
                    break;
                case "ConfigMap":
                    configMaps.Add(ReadConfigMap(m));
                    break;
                case "PodDisruptionBudget":
                    budgets.Add(ReadBudget(m));
                    break;
                case "HorizontalPodAutoscaler":
                    if (ReadAutoscaler(m) is { } hpa)
                    {
                        autoscalers.Add(hpa);
                    }
                    break;
                case "Ingress":
                    routes.AddRange(ReadIngress(m));
                    break;
                case "HTTPRoute" or "GRPCRoute":
                    routes.AddRange(ReadHttpRoute(m));
                    break;
            }
        }
        return new SystemModel(manifests, workloads, services, configMaps, budgets, autoscalers, routes, contracts ?? ContractSet.Empty);
    }

    private static Workload? ReadWorkload(Manifest m)
    {
        var spec = m.Root.Map("spec");
        MapNode? template = m.Kind switch
        {
            "Pod" => m.Root,
            "CronJob" => spec?.Map("jobTemplate")?.Map("spec")?.Map("template"),
            _ => spec?.Map("template"),
        };
        if (template is null)
        {
            return null;
        }
        var podSpec = template.Map("spec");
        var podMeta = template.Map("metadata");
        var annotations = new Dictionary<string, string>(podMeta?.StringMap("annotations") ?? new Dictionary<string, string>());
        foreach (var (k, v) in m.Annotations)
        {
            annotations[k] = v;
        }
        var mounted = new List<string>();
        foreach (var volume in podSpec?.Maps("volumes") ?? [])
        {
            if (volume.Map("configMap")?.Str("name") is { } cm)
            {
                mounted.Add(cm);
            }
            foreach (var source in volume.Map("projected")?.Maps("sources") ?? [])
            {
                if (source.Map("configMap")?.Str("name") is { } pcm)
                {
                    mounted.Add(pcm);
                }
            }
        }
        return new Workload
        {
            Manifest = m,
            Replicas = m.Kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController" or "Rollout" ? spec?.Int("replicas") : null,
            PodLabels = podMeta?.StringMap("labels") ?? new Dictionary<string, string>(),
            Annotations = annotations,
            Containers = (podSpec?.Maps("containers") ?? []).Select(ReadContainer).ToList(),
            InitContainers = (podSpec?.Maps("initContainers") ?? []).Select(ReadContainer).ToList(),
            MountedConfigMaps = mounted,
        };
    }

    private static Container ReadContainer(MapNode c)
    {
        var ports = new List<ContainerPort>();
        foreach (var p in c.Maps("ports"))
        {
            if (p.Int("containerPort") is { } n)
            {
                ports.Add(new ContainerPort(p.Str("name"), n, p.Str("protocol") ?? "TCP"));
            }
        }
        var env = new List<EnvVar>();
        foreach (var e in c.Maps("env"))
        {
            var name = e.Str("name");
            if (name is null)
            {
                continue;
            }
            var cmRef = e.Map("valueFrom")?.Map("configMapKeyRef");
            env.Add(new EnvVar(name, e.Map("valueFrom") is null ? e.Str("value") ?? "" : null, e, cmRef?.Str("name"), cmRef?.Str("key")));
        }
        var resources = c.Map("resources");
        return new Container
        {
            Name = c.Str("name") ?? "",
            Node = c,
            Image = c.Str("image"),
            Ports = ports,
            Liveness = ReadProbe(c.Map("livenessProbe")),
            Readiness = ReadProbe(c.Map("readinessProbe")),
            Startup = ReadProbe(c.Map("startupProbe")),
            Resources = new Resources
            {
                Node = resources,
                CpuRequest = ReadQuantity(resources?.Map("requests"), "cpu"),
                MemoryRequest = ReadQuantity(resources?.Map("requests"), "memory"),
                CpuLimit = ReadQuantity(resources?.Map("limits"), "cpu"),
                MemoryLimit = ReadQuantity(resources?.Map("limits"), "memory"),
            },
            Env = env,
            Command = c.List("command")?.Items.OfType<ScalarNode>().ToList() ?? [],
            Args = c.List("args")?.Items.OfType<ScalarNode>().ToList() ?? [],
        };
    }

    private static Quantity? ReadQuantity(MapNode? map, string key) =>
        map?[key] is ScalarNode s && !s.IsNull && Quantity.ParseValue(s.Value) is { } v ? new Quantity(s.Value, v, s) : null;

    internal static Probe? ReadProbe(MapNode? p)
    {
        if (p is null)
        {
            return null;
        }
        var http = p.Map("httpGet");
        var tcp = p.Map("tcpSocket");
        var grpc = p.Map("grpc");
        var exec = p.Map("exec");
        var kind = http is not null ? ProbeKind.Http : tcp is not null ? ProbeKind.Tcp : grpc is not null ? ProbeKind.Grpc : exec is not null ? ProbeKind.Exec : ProbeKind.Unknown;
        var portText = (http ?? tcp ?? grpc)?.Str("port");
        var headers = http?.Maps("httpHeaders").Select(h => $"{h.Str("name")}: {h.Str("value")}").Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();
        return new Probe
        {
            Node = p,
            Kind = kind,
            Port = portText is null ? null : IntOrString.Parse(portText),
            Path = http?.Str("path"),
            Scheme = http?.Str("scheme"),
            Host = http?.Str("host") ?? tcp?.Str("host"),
            Headers = string.Join("\n", headers),
            GrpcService = grpc?.Str("service"),
            Command = exec?.List("command")?.Items.Select(i => i.Text ?? "").ToList() ?? [],
            InitialDelaySeconds = p.Int("initialDelaySeconds") ?? 0,
            PeriodSeconds = p.Int("periodSeconds") ?? 10,
            FailureThreshold = p.Int("failureThreshold") ?? 3,
            TimeoutSeconds = p.Int("timeoutSeconds") ?? 1,
        };
    }

    private static Service ReadService(Manifest m)
    {
        var spec = m.Root.Map("spec");
        var ports = new List<ServicePort>();
        foreach (var p in spec?.Maps("ports") ?? [])
        {
            if (p.Int("port") is not { } port)
            {
                continue;
            }
            var target = p.Str("targetPort") is { } t ? IntOrString.Parse(t) : new IntOrString(port, null);
            if (target is { IsNumber: true, Number: 0 })
            {
                target = new IntOrString(port, null); // the API server defaults targetPort 0 to the port
            }
            ports.Add(new ServicePort(p.Str("name"), port, target, p.Str("protocol") ?? "TCP", p));
        }
        var selector = spec?.Map("selector") is null ? null : spec.StringMap("selector");
        return new Service
        {
            Manifest = m,
            Type = spec?.Str("type") ?? "ClusterIP",
            Selector = selector,
            Ports = ports,
            Headless = spec?.Str("clusterIP") == "None",
        };
    }

    private static ConfigMap ReadConfigMap(Manifest m)
    {
        var data = new Dictionary<string, ScalarNode>(StringComparer.Ordinal);
        foreach (var (k, v) in m.Root.Map("data")?.Entries ?? [])
        {
            if (v is ScalarNode s)
            {
                data[k] = s;
            }
        }
        return new ConfigMap { Manifest = m, Data = data };
    }

    internal static LabelSelector ReadSelector(MapNode? selector)
    {
        if (selector is null)
        {
            return LabelSelector.Nothing;
        }
        var expressions = new List<(string, string, IReadOnlyList<string>)>();
        foreach (var e in selector.Maps("matchExpressions"))
        {
            expressions.Add((e.Str("key") ?? "", e.Str("operator") ?? "", e.List("values")?.Items.Select(i => i.Text ?? "").ToList() ?? []));
        }
        var labels = selector.StringMap("matchLabels");
        return new LabelSelector { MatchLabels = labels, Expressions = expressions, Empty = labels.Count == 0 && expressions.Count == 0 };
    }

    private static DisruptionBudget ReadBudget(Manifest m)
    {
        var spec = m.Root.Map("spec");
        var selector = ReadSelector(spec?.Map("selector"));
        if (selector.Empty && m.ApiVersion == "policy/v1beta1")
        {
            // policy/v1beta1 read an empty selector as "no pods"; only policy/v1 made it "every pod of the namespace".
            selector = LabelSelector.Nothing;
        }
        return new DisruptionBudget
        {
            Manifest = m,
            Selector = selector,
            MinAvailable = spec?["minAvailable"] as ScalarNode,
            MaxUnavailable = spec?["maxUnavailable"] as ScalarNode,
        };
    }

    private static Autoscaler? ReadAutoscaler(Manifest m)
    {
        var spec = m.Root.Map("spec");
        var target = spec?.Map("scaleTargetRef");
        if (spec is null || target is null)
        {
            return null;
        }
        var metrics = new List<(string, string?, Node)>();
        if (spec["targetCPUUtilizationPercentage"] is { } v1)
        {
            metrics.Add(("cpu", null, v1));
        }
        foreach (var metric in spec.Maps("metrics"))
        {
            var resource = metric.Map("resource") ?? metric.Map("containerResource");
            if (resource?.Str("name") is not { } name)
            {
                continue;
            }
            var utilisation = resource.Map("target")?.Str("type") == "Utilization" || resource.Str("targetAverageUtilization") is not null;
            if (utilisation)
            {
                metrics.Add((name, metric.Map("containerResource")?.Str("container"), metric));
            }
        }
        return new Autoscaler
        {
            Manifest = m,
            TargetKind = target.Str("kind") ?? "",
            TargetName = target.Str("name") ?? "",
            MinReplicas = spec.Int("minReplicas") ?? 1,
            UtilizationMetrics = metrics,
        };
    }

    private static IEnumerable<RouteBackend> ReadIngress(Manifest m)
    {
        var spec = m.Root.Map("spec");
        if (spec is null)
        {
            yield break;
        }
        var backends = new List<MapNode>();
        if (spec.Map("defaultBackend") is { } d)
        {
            backends.Add(d);
        }
        if (spec.Map("backend") is { } legacy)
        {
            backends.Add(legacy);
        }
        foreach (var rule in spec.Maps("rules"))
        {
            foreach (var path in rule.Map("http")?.Maps("paths") ?? [])
            {
                if (path.Map("backend") is { } b)
                {
                    backends.Add(b);
                }
            }
        }
        foreach (var b in backends)
        {
            if (b.Map("service") is { } svc && svc.Str("name") is { } name)
            {
                var port = svc.Map("port");
                IntOrString? p = port?.Str("number") is { } num ? IntOrString.Parse(num) : port?.Str("name") is { } pn ? new IntOrString(0, pn) : null;
                yield return new RouteBackend(m, name, m.Namespace, p, b);
            }
            else if (b.Str("serviceName") is { } legacyName)
            {
                yield return new RouteBackend(m, legacyName, m.Namespace, b.Str("servicePort") is { } sp ? IntOrString.Parse(sp) : null, b);
            }
        }
    }

    private static IEnumerable<RouteBackend> ReadHttpRoute(Manifest m)
    {
        foreach (var rule in m.Root.Map("spec")?.Maps("rules") ?? [])
        {
            foreach (var b in rule.Maps("backendRefs"))
            {
                var kind = b.Str("kind") ?? "Service";
                var group = b.Str("group") ?? "";
                if (kind != "Service" || group != "" || b.Str("name") is not { } name)
                {
                    continue;
                }
                yield return new RouteBackend(m, name, b.Str("namespace") ?? m.Namespace, b.Int("port") is { } p ? new IntOrString(p, null) : null, b);
            }
        }
    }
}
