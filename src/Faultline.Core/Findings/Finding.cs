using Faultline.Core.Documents;

namespace Faultline.Core.Findings;

public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class Severities
{
    public static string Name(this Severity s) => s.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out Severity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity);
}

/// <summary>One broken or risky assumption, located, explained, with who else is hit and how to fix it.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The service (graph node) the finding belongs to.</summary>
    public required string Service { get; init; }

    public required string Namespace { get; init; }

    public required string ResourceKind { get; init; }

    public required string ResourceName { get; init; }

    public required SourceLocation Location { get; init; }

    public required string Message { get; init; }

    public required string Assumption { get; init; }

    public required string Evidence { get; init; }

    public required string Remediation { get; init; }

    /// <summary>Other services that transitively depend on the subject, nearest first (at most <see cref="BlastRadiusShown"/>).</summary>
    public IReadOnlyList<string> BlastRadius { get; init; } = [];

    /// <summary>How many services the blast radius holds in all; the list keeps only the nearest.</summary>
    public int BlastRadiusCount { get; init; }

    public const int BlastRadiusShown = 25;

    /// <summary>The longest way in among the nearest callers, outermost first, ending at the service; empty when no one calls it.</summary>
    public IReadOnlyList<string> BlastPath { get; init; } = [];

    /// <summary>Consumers known to rely on what the finding is about (contract findings); they lead the blast radius.</summary>
    public IReadOnlyList<string> Consumers { get; init; } = [];

    /// <summary>
    /// The change reaches others through the <see cref="Consumers"/> (readers of a topic), not through the
    /// subject's callers: the blast radius and its path start at the consumers. A producer's callers are not hurt
    /// by what it writes to a topic; the services that read it, and their callers, are.
    /// </summary>
    public bool ReachesThroughConsumers { get; init; }

    /// <summary>In change mode: "introduced", "worse" or "existing"; null in a plain check.</summary>
    public string? Change { get; init; }

    /// <summary>The object whose faultline.dev/ignore annotation can suppress this finding.</summary>
    internal Manifest? Subject { get; init; }

    /// <summary>More objects whose annotation also suppresses it (e.g. the pod template's workload).</summary>
    internal IReadOnlyDictionary<string, string>? SubjectAnnotations { get; init; }
}
