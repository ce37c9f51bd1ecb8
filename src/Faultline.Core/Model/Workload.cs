using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>Something that runs pods: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod.</summary>
public sealed class Workload
{
    public required Manifest Manifest { get; init; }

    public string Kind => Manifest.Kind;

    public string Name => Manifest.Name;

    public string Namespace => Manifest.Namespace;

    /// <summary>The replica count as written; null when the field is absent (Kubernetes then runs one).</summary>
    public int? Replicas { get; init; }

    public required IReadOnlyDictionary<string, string> PodLabels { get; init; }

    /// <summary>Annotations of the object and of its pod template, the object's winning.</summary>
    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    public required IReadOnlyList<Container> Containers { get; init; }

    public required IReadOnlyList<Container> InitContainers { get; init; }

    /// <summary>ConfigMaps whose keys reach the pod as files (volumes) or as env vars (envFrom).</summary>
    public required IReadOnlyList<string> MountedConfigMaps { get; init; }

    public bool RunsToCompletion => Kind is "Job" or "CronJob";

    public override string ToString() => $"{Kind}/{Name}";
}

public sealed class Container
{
    public required string Name { get; init; }

    public required MapNode Node { get; init; }

    public string? Image { get; init; }

    public required IReadOnlyList<ContainerPort> Ports { get; init; }

    public Probe? Liveness { get; init; }

    public Probe? Readiness { get; init; }

    public Probe? Startup { get; init; }

    public required Resources Resources { get; init; }

    public required IReadOnlyList<EnvVar> Env { get; init; }

    public required IReadOnlyList<ScalarNode> Command { get; init; }

    public required IReadOnlyList<ScalarNode> Args { get; init; }

    /// <summary>True when a port of that number or name is declared for the protocol (probes are always TCP).</summary>
    public bool DeclaresPort(IntOrString port, string protocol = "TCP") => port.IsNumber
        ? Ports.Any(p => p.Number == port.Number && string.Equals(p.Protocol, protocol, StringComparison.OrdinalIgnoreCase))
        : Ports.Any(p => p.Name == port.Name && string.Equals(p.Protocol, protocol, StringComparison.OrdinalIgnoreCase));
}

public sealed record ContainerPort(string? Name, int Number, string Protocol);

/// <summary>An env var of a container. Value is null when it comes from elsewhere (secret, field ref).</summary>
public sealed record EnvVar(string Name, string? Value, Node Node, string? ConfigMapName = null, string? ConfigMapKey = null);

/// <summary>A port given as a number or as a name, as Kubernetes allows for targetPort and probes.</summary>
public readonly record struct IntOrString(int Number, string? Name)
{
    public bool IsNumber => Name is null;

    public static IntOrString Parse(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? new IntOrString(n, null)
            : new IntOrString(0, text);

    public override string ToString() => Name ?? Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
