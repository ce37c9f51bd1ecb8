namespace Faultline.Core.Resources;

/// <summary>
/// Which container a recommendation is for. Namespace and workload are null when the source does not know them
/// (a load-test CSV names only the container); such a key matches that container in any namespace or workload.
/// </summary>
public sealed record ContainerKey(string? Namespace, string? Workload, string Container)
{
    public override string ToString() => $"{Namespace ?? "*"}/{Workload ?? "*"}/{Container}";
}

/// <summary>One measurement: CPU in cores or memory in bytes, at a time, from one instance (pod) of the container.</summary>
public readonly record struct UsagePoint(DateTimeOffset Time, double Value, string Instance = "");

/// <summary>Everything measured for one container: CPU and working-set samples, and the times its instances were OOM-killed.</summary>
public sealed record ContainerUsage(
    ContainerKey Key,
    IReadOnlyList<UsagePoint> Cpu,
    IReadOnlyList<UsagePoint> Memory,
    IReadOnlyList<UsagePoint> OomKills);

public enum RecommendStrategy
{
    /// <summary>CPU request at the 95th percentile, no CPU limit, memory request = limit = peak x 1.15 (x 1.25 after an OOM kill).</summary>
    Simple,

    /// <summary>The Kubernetes Vertical Pod Autoscaler recommender's estimators (see <see cref="VpaEstimator"/>).</summary>
    Vpa,
}

/// <summary>How to recommend; every number is data so that settings and tests can change it.</summary>
public sealed record RecommendOptions
{
    public RecommendStrategy Strategy { get; init; } = RecommendStrategy.Simple;

    /// <summary>Less observed time than this and a resource gets no recommendation, only the reason.</summary>
    public TimeSpan MinHistory { get; init; } = TimeSpan.FromHours(3);

    /// <summary>simple: the CPU usage percentile that becomes the request.</summary>
    public double CpuPercentile { get; init; } = 0.95;

    /// <summary>simple: fraction added to the memory peak.</summary>
    public double MemoryMargin { get; init; } = 0.15;

    /// <summary>simple: further fraction added to memory when an instance was OOM-killed.</summary>
    public double OomBump { get; init; } = 0.25;
}

/// <summary>The history behind a number: how many samples, how much time they cover, and the first and last.</summary>
public sealed record UsageHistory(int Samples, double CoveredHours, DateTimeOffset? First, DateTimeOffset? Last)
{
    public static readonly UsageHistory None = new(0, 0, null, null);
}

/// <summary>
/// A recommendation for one resource of a container, in base units (cores, bytes), rounded; or, when
/// <see cref="Refusal"/> is set, why there is none.
/// </summary>
public sealed record ResourceRecommendation
{
    /// <summary>"cpu" or "memory".</summary>
    public required string Resource { get; init; }

    public required UsageHistory History { get; init; }

    public string? Refusal { get; init; }

    public decimal? Request { get; init; }

    /// <summary>Null: no limit recommended (CPU: a limit only throttles).</summary>
    public decimal? Limit { get; init; }

    /// <summary>vpa: the lower and upper bounds of the recommender; null for simple.</summary>
    public decimal? LowerBound { get; init; }

    public decimal? UpperBound { get; init; }

    /// <summary>How the request was derived, in words (percentile, peak, margins, OOM bump).</summary>
    public string Basis { get; init; } = "";

    /// <summary>OOM kills seen in the history (memory only).</summary>
    public int OomKills { get; init; }

    public bool IsRecommended => Refusal is null && Request is not null;

    public string? RequestText => Request is { } r ? ResourceUnits.Format(Resource, r) : null;

    public string? LimitText => Limit is { } l ? ResourceUnits.Format(Resource, l) : null;
}

/// <summary>The recommendation for one container: CPU and memory, each with its history or its refusal.</summary>
public sealed record ContainerRecommendation(ContainerKey Key, ResourceRecommendation Cpu, ResourceRecommendation Memory)
{
    public bool IsRecommended => Cpu.IsRecommended || Memory.IsRecommended;
}
