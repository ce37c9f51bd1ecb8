using Faultline.Core.Judge;

namespace Faultline.Core.Canary;

/// <summary>What to do when a step cannot be decided (hold, or its maxDuration passes without a decision).</summary>
public enum HoldAction
{
    /// <summary>Stop where it is and exit 3; the canary keeps its weight until someone acts.</summary>
    Pause,

    /// <summary>Treat it as a failure: canary weight 0.</summary>
    Rollback,
}

/// <summary>One step of a rollout: the canary's share of traffic, and how long and on how much data it is judged.</summary>
public sealed record RolloutStep(int Weight, long MinSamples, TimeSpan MaxDuration, int Line = 0);

/// <summary>How a version pins its users: none, a cookie set by the router, or a hashed request header.</summary>
public sealed record StickySpec(string Kind, string? Header = null)
{
    public static readonly StickySpec None = new("none");

    public static readonly StickySpec Cookie = new("cookie");

    public static StickySpec ByHeader(string name) => new("header", name);

    public override string ToString() => Kind == "header" ? $"header:{Header}" : Kind;
}

/// <summary>The embedded router of a rollout: where it listens and the upstreams of each version.</summary>
public sealed record RouterSpec
{
    public required string Listen { get; init; }

    public required IReadOnlyList<Uri> Stable { get; init; }

    public required IReadOnlyList<Uri> Canary { get; init; }

    /// <summary>The admin API's address; null for none.</summary>
    public string? Admin { get; init; }

    public StickySpec Sticky { get; init; } = StickySpec.None;

    /// <summary>The request header that forces a version (values canary or stable).</summary>
    public string OverrideHeader { get; init; } = RouterDefaults.OverrideHeader;

    /// <summary>How long the router waits for an upstream's response headers before answering 504.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

public static class RouterDefaults
{
    public const string OverrideHeader = "x-faultline-version";

    public const string StickyCookie = "faultline-version";

    public const string MetricsPath = "/_faultline/metrics";
}

/// <summary>PromQL for one arm. Each query is evaluated at the end of a look with {range} replaced by its length (e.g. 15s).</summary>
public sealed record ArmQueries(string Requests, string Errors, string? LatencyBuckets);

/// <summary>Prometheus as the metric source: the server and the queries of each arm.</summary>
public sealed record PrometheusMetricsSpec
{
    public required Uri Url { get; init; }

    public required ArmQueries Baseline { get; init; }

    public required ArmQueries Canary { get; init; }

    /// <summary>How far behind now a look ends, so that the last scrape is in (default 2 scrape intervals of 15 s).</summary>
    public TimeSpan Lag { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How histogram bounds are scaled to milliseconds (1000 for a histogram in seconds).</summary>
    public double LatencyScaleToMs { get; init; } = 1000;
}

/// <summary>Where a rollout's observations come from: the embedded router's own counts, or Prometheus.</summary>
public sealed record MetricsSpec(PrometheusMetricsSpec? Prometheus)
{
    public static readonly MetricsSpec Router = new((PrometheusMetricsSpec?)null);

    public bool FromRouter => Prometheus is null;
}

/// <summary>A rollout as the rollout file describes it.</summary>
public sealed record RolloutSpec
{
    public required string Name { get; init; }

    public required RouterSpec Router { get; init; }

    public required IReadOnlyList<RolloutStep> Steps { get; init; }

    public required JudgeSettings Judge { get; init; }

    public MetricsSpec Metrics { get; init; } = MetricsSpec.Router;

    public HoldAction OnHold { get; init; } = HoldAction.Pause;

    /// <summary>Time between looks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the file was read from, for messages.</summary>
    public string File { get; init; } = "";
}
