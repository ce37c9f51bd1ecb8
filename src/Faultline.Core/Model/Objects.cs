using Faultline.Core.Documents;

namespace Faultline.Core.Model;

public sealed class Service
{
    public required Manifest Manifest { get; init; }

    public string Name => Manifest.Name;

    public string Namespace => Manifest.Namespace;

    public string Type { get; init; } = "ClusterIP";

    /// <summary>Null when the Service has no selector (its endpoints are managed by hand or it is ExternalName).</summary>
    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public required IReadOnlyList<ServicePort> Ports { get; init; }

    public bool Headless { get; init; }

    public override string ToString() => $"Service/{Name}";
}

public sealed record ServicePort(string? Name, int Port, IntOrString TargetPort, string Protocol, Node Node);

public sealed class ConfigMap
{
    public required Manifest Manifest { get; init; }

    public string Name => Manifest.Name;

    public string Namespace => Manifest.Namespace;

    /// <summary>Keys to their scalar nodes, so a value keeps its line.</summary>
    public required IReadOnlyDictionary<string, ScalarNode> Data { get; init; }
}

public sealed class DisruptionBudget
{
    public required Manifest Manifest { get; init; }

    public string Name => Manifest.Name;

    public string Namespace => Manifest.Namespace;

    public required LabelSelector Selector { get; init; }

    public ScalarNode? MinAvailable { get; init; }

    public ScalarNode? MaxUnavailable { get; init; }
}

public sealed class Autoscaler
{
    public required Manifest Manifest { get; init; }

    public string Name => Manifest.Name;

    public string Namespace => Manifest.Namespace;

    public required string TargetKind { get; init; }

    public required string TargetName { get; init; }

    public int? MinReplicas { get; init; }

    /// <summary>Resources ("cpu", "memory") it scales on by utilisation of the request, with the node that says so.</summary>
    /// <summary>Container is set for ContainerResource metrics, which look at that container only.</summary>
    public required IReadOnlyList<(string Resource, string? Container, Node Node)> UtilizationMetrics { get; init; }
}

/// <summary>A backend that an Ingress or an HTTPRoute sends traffic to.</summary>
public sealed record RouteBackend(Manifest Route, string ServiceName, string Namespace, IntOrString? Port, Node Node);

/// <summary>An equality label selector, plus matchExpressions for the operators we can evaluate offline.</summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Nothing = new() { MatchLabels = new Dictionary<string, string>(), Expressions = [], Empty = false, Invalid = true };

    public required IReadOnlyDictionary<string, string> MatchLabels { get; init; }

    public required IReadOnlyList<(string Key, string Operator, IReadOnlyList<string> Values)> Expressions { get; init; }

    /// <summary>An empty selector selects every pod of the namespace (PDB semantics of policy/v1).</summary>
    public bool Empty { get; init; }

    public bool Invalid { get; init; }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (Invalid)
        {
            return false;
        }
        foreach (var (k, v) in MatchLabels)
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }
        foreach (var (key, op, values) in Expressions)
        {
            var has = labels.TryGetValue(key, out var value);
            var ok = op switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public static LabelSelector FromMap(IReadOnlyDictionary<string, string> labels) =>
        new() { MatchLabels = labels, Expressions = [], Empty = labels.Count == 0 };

    public override string ToString()
    {
        var parts = MatchLabels.Select(kv => $"{kv.Key}={kv.Value}")
            .Concat(Expressions.Select(e => $"{e.Key} {e.Operator} ({string.Join(",", e.Values)})"));
        return string.Join(",", parts);
    }
}
