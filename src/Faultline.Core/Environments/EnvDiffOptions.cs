using Faultline.Core.Documents;

namespace Faultline.Core.Environments;

/// <summary>
/// How two environments are compared: which namespaces of A correspond to which of B, and the thresholds that
/// rank differences. Thresholds are data so a team can tune them; the defaults are documented in the README.
/// </summary>
public sealed record EnvDiffOptions
{
    public static readonly EnvDiffOptions Default = new();

    /// <summary>A's namespace to B's (`--map-namespace staging=prod`); unmapped namespaces match by name.</summary>
    public IReadOnlyDictionary<string, string> NamespaceMap { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Timeouts that differ by at least this factor rank high instead of medium.</summary>
    public decimal TimeoutHighRatio { get; init; } = 4m;

    /// <summary>Memory limits that differ by at least this factor rank medium instead of low.</summary>
    public decimal MemoryLimitRatio { get; init; } = 2m;

    /// <summary>What is expected to differ (env.yaml); those differences are dropped and counted.</summary>
    public EnvExpectations Expected { get; init; } = EnvExpectations.None;
}

/// <summary>
/// Differences declared expected in `.faultline/env.yaml`. Each rule carries the location that declared it, so
/// the report can say which line dropped a difference.
/// </summary>
public sealed record EnvExpectations
{
    public static readonly EnvExpectations None = new();

    /// <summary>Set when addresses that differ in their host name only are expected.</summary>
    public SourceLocation? Hostnames { get; init; }

    /// <summary>Replica counts and HPA bounds within this ratio (larger / smaller) are expected.</summary>
    public (decimal Ratio, SourceLocation Where)? ReplicaRatio { get; init; }

    /// <summary>Env var and ConfigMap key names (globs with `*`) whose values may differ.</summary>
    public IReadOnlyList<(string Pattern, SourceLocation Where)> Keys { get; init; } = [];

    public IReadOnlyList<ExpectedRule> Differences { get; init; } = [];

    /// <summary>The rule that declares <paramref name="d"/> expected, if any: (why, where).</summary>
    public (string Because, SourceLocation Where)? Match(EnvDifference d)
    {
        if (Hostnames is { } h && d.HostOnly)
        {
            return ("hostnames", h);
        }
        if (ReplicaRatio is { } r && d.ReplicaRatio is { } ratio && ratio <= r.Ratio)
        {
            return ($"replicaRatio {r.Ratio}", r.Where);
        }
        if (d.ConfigKey is { } key && Keys.FirstOrDefault(k => Glob.Matches(k.Pattern, key)) is { Pattern: not null } hit)
        {
            return ($"keys {hit.Pattern}", hit.Where);
        }
        foreach (var rule in Differences)
        {
            if (rule.Matches(d))
            {
                return (rule.Reason ?? "differences", rule.Where);
            }
        }
        return null;
    }
}

/// <summary>One `ignore.differences` entry: every given part must match (globs with `*`).</summary>
public sealed record ExpectedRule(DiffClass? Class, string? Object, string? Field, string? Reason, SourceLocation Where)
{
    public bool Matches(EnvDifference d) =>
        (Class is null || Class == d.Class)
        && (Object is null || Glob.Matches(Object, d.Subject) || Glob.Matches(Object, d.Name) || Glob.Matches(Object, $"{d.Namespace}/{d.Subject}"))
        && (Field is null || Glob.Matches(Field, d.Field));
}

/// <summary>Shell-style patterns with `*` (any run) and `?` (one character), case-insensitive.</summary>
public static class Glob
{
    public static bool Matches(string pattern, string text) => Match(pattern.AsSpan(), text.AsSpan());

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && (p[pi] == '?' || char.ToLowerInvariant(p[pi]) == char.ToLowerInvariant(t[ti])))
            {
                pi++;
                ti++;
            }
            else if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                mark = ti;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ti = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }
        return pi == p.Length;
    }
}
