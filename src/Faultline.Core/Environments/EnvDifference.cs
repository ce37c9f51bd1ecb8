using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Environments;

/// <summary>What a difference between two environments is about; the name is what JSON and env.yaml use.</summary>
public enum DiffClass
{
    Resources,
    Replicas,
    Probes,
    Image,
    Config,
    Mesh,
    Pdb,
    Scheduling,
    Presence,
}

public static class DiffClasses
{
    public static string Name(this DiffClass c) => c.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out DiffClass value) =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    public static IEnumerable<string> Names => Enum.GetValues<DiffClass>().Select(Name);
}

/// <summary>One environment as read: a label for messages ("staging") and its system model.</summary>
public sealed record EnvSnapshot(string Label, SystemModel Model);

/// <summary>A value on one side of a difference: what to show (secrets already masked) and where it is written (null when the object is missing there).</summary>
public sealed record EnvValue(string? Shown, SourceLocation? Location)
{
    /// <summary>True when the side has nothing there (no limit, no such variable, no such object).</summary>
    public bool Absent => Shown is null;
}

/// <summary>
/// One semantic difference between environment A and environment B, classified and ranked: what differs, the value
/// and location on each side, and what can break in the environment that has it.
/// </summary>
public sealed record EnvDifference
{
    public required DiffClass Class { get; init; }

    public required Severity Severity { get; init; }

    public required string Kind { get; init; }

    /// <summary>The namespace as environment B names it (A's namespace mapped).</summary>
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The part of the object: "container orders", "route to payment"; null for the object as a whole.</summary>
    public string? Scope { get; init; }

    /// <summary>What differs: "limits.memory", "env.ORDERS_TIMEOUT_MS", "replicas", "readinessProbe.timeoutSeconds".</summary>
    public required string Field { get; init; }

    /// <summary>For env vars and ConfigMap keys: the variable or key name (what env.yaml `keys` match).</summary>
    public string? ConfigKey { get; init; }

    public required EnvValue A { get; init; }

    public required EnvValue B { get; init; }

    /// <summary>What differs, in one line, naming both environments.</summary>
    public required string Summary { get; init; }

    /// <summary>What can break, and in which environment.</summary>
    public required string Risk { get; init; }

    /// <summary>True when two addresses differ in their host name only (env.yaml `hostnames`).</summary>
    public bool HostOnly { get; init; }

    /// <summary>For replica counts and HPA bounds: larger over smaller (env.yaml `replicaRatio`).</summary>
    public decimal? ReplicaRatio { get; init; }

    public string Subject => $"{Kind}/{Name}";

    /// <summary>A stable identifier: class, object, scope and field.</summary>
    public string Id => $"{Class.Name()}:{Namespace}/{Kind}/{Name}{(Scope is null ? "" : $"[{Scope}]")}:{Field}";
}

/// <summary>A difference left out because env.yaml declares it expected, and which entry did.</summary>
public sealed record ExpectedDifference(EnvDifference Difference, string Because, SourceLocation Where);

/// <summary>The outcome of comparing two environments.</summary>
public sealed record EnvDiffResult
{
    public required string LabelA { get; init; }

    public required string LabelB { get; init; }

    /// <summary>Most severe first, then by object and field.</summary>
    public required IReadOnlyList<EnvDifference> Differences { get; init; }

    public required IReadOnlyList<ExpectedDifference> Expected { get; init; }

    /// <summary>Objects found on both sides.</summary>
    public required int Matched { get; init; }

    public required int OnlyInA { get; init; }

    public required int OnlyInB { get; init; }

    /// <summary>Namespaces of A that were matched to namespaces of B (from env.yaml and --map-namespace).</summary>
    public required IReadOnlyDictionary<string, string> NamespaceMap { get; init; }

    public int Count(Severity s) => Differences.Count(d => d.Severity == s);

    public int Failing(Severity? failOn) => failOn is { } t ? Differences.Count(d => d.Severity >= t) : 0;
}
