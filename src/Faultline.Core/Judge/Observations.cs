namespace Faultline.Core.Judge;

/// <summary>
/// One request as an access log or a tracer records it. <paramref name="Scores"/> holds the request's quality
/// scores in the order of the judge's quality metrics (<see cref="QualityMetric.ScoreIndex"/>); NaN where a
/// request has no score. <paramref name="Timestamp"/> is in Unix seconds and only matters for replays by time.
/// </summary>
public readonly record struct RequestSample(double LatencyMs, int Status, double[]? Scores = null, double? Timestamp = null)
{
    public double Score(int index) => Scores is { } s && index >= 0 && index < s.Length ? s[index] : double.NaN;
}

/// <summary>
/// Latency counts over an interval as Prometheus exposes a histogram: for each upper bound ("le"), how many
/// observations were at most that bound; the last bound is +Inf, so its count is the total.
/// </summary>
public sealed record LatencyHistogram
{
    public LatencyHistogram(IReadOnlyList<double> upperBounds, IReadOnlyList<long> cumulativeCounts)
    {
        if (upperBounds.Count == 0 || upperBounds.Count != cumulativeCounts.Count)
        {
            throw new ArgumentException("a histogram needs one cumulative count per upper bound");
        }
        if (!double.IsPositiveInfinity(upperBounds[^1]))
        {
            throw new ArgumentException("the last upper bound of a histogram must be +Inf");
        }
        for (var i = 1; i < upperBounds.Count; i++)
        {
            if (!(upperBounds[i] > upperBounds[i - 1]) || cumulativeCounts[i] < cumulativeCounts[i - 1])
            {
                throw new ArgumentException("histogram bounds must increase and cumulative counts must not decrease");
            }
        }
        if (cumulativeCounts[0] < 0)
        {
            throw new ArgumentException("histogram counts cannot be negative");
        }
        UpperBounds = upperBounds;
        CumulativeCounts = cumulativeCounts;
    }

    public IReadOnlyList<double> UpperBounds { get; }

    public IReadOnlyList<long> CumulativeCounts { get; }

    public long Total => CumulativeCounts[^1];

    public bool SameBounds(LatencyHistogram other) => UpperBounds.SequenceEqual(other.UpperBounds);
}

/// <summary>The count and mean of a quality score over an interval.</summary>
public readonly record struct ScoreSummary(long Count, double Mean);

/// <summary>
/// What a metrics system reports for one arm over one interval: requests and errors (already classified by
/// the adapter), an optional latency histogram, and optional quality-score summaries by metric name.
/// </summary>
public sealed record IntervalAggregate(
    long Requests,
    long Errors,
    LatencyHistogram? Latency = null,
    IReadOnlyDictionary<string, ScoreSummary>? Scores = null);

/// <summary>The observations of one arm (baseline or canary) in one look: per-request samples, or an aggregate.</summary>
public sealed record ArmBatch
{
    public static readonly ArmBatch Empty = new();

    public IReadOnlyList<RequestSample> Requests { get; init; } = [];

    public IntervalAggregate? Aggregate { get; init; }

    public long RequestCount => Aggregate?.Requests ?? Requests.Count;

    public static ArmBatch Of(IReadOnlyList<RequestSample> requests) => new() { Requests = requests };

    public static ArmBatch Of(IntervalAggregate aggregate) => new() { Aggregate = aggregate };
}

/// <summary>Latency bucket bounds shared by the router, the store and the judge.</summary>
public static class LatencyBuckets
{
    /// <summary>
    /// Bounds in milliseconds from 0.25 ms to 2 minutes, each 2.5% above the last, then +Inf: fine enough that
    /// reading a quantile within a bucket errs by far less than a 5% tolerance.
    /// </summary>
    public static readonly IReadOnlyList<double> Fine = MakeFine();

    private static double[] MakeFine()
    {
        var bounds = new List<double>();
        for (var b = 0.25; b < 120_000; b *= 1.025)
        {
            bounds.Add(Math.Round(b, 4));
        }
        bounds.Add(double.PositiveInfinity);
        return [.. bounds];
    }
}
