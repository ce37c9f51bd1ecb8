using Faultline.Core.Judge;

namespace Faultline.Router;

/// <summary>The two versions behind the router.</summary>
public enum TrafficVersion
{
    Stable,
    Canary,
}

/// <summary>Why a proxied request got no answer from its upstream.</summary>
public enum UpstreamFailure
{
    None,

    /// <summary>No response headers within the upstream timeout (answered 504).</summary>
    Timeout,

    /// <summary>The connection could not be made or was reset (answered 502).</summary>
    Connect,

    /// <summary>The response broke off after it started, or another transport failure.</summary>
    Other,
}

/// <summary>
/// Counts of one version since the router started, recorded without locks: requests by status class, errors as
/// the judge counts them, upstream failures by kind, and latency in two histograms: fine buckets (2.5% wide)
/// for the judge, and the usual coarse buckets for Prometheus.
/// </summary>
public sealed class VersionMetrics(StatusSet errorStatuses)
{
    /// <summary>Coarse bounds in seconds for /_faultline/metrics (OpenTelemetry's HTTP defaults).</summary>
    public static readonly double[] ExportBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Fine bounds in milliseconds for the judge (see <see cref="LatencyBuckets.Fine"/>).</summary>
    public static readonly IReadOnlyList<double> JudgeBounds = LatencyBuckets.Fine;

    // The same bounds as an array: the per-request search reads it without an interface call per probe.
    private static readonly double[] JudgeBoundsArray = [.. JudgeBounds];

    private readonly long[] _byClass = new long[6];
    private readonly long[] _fine = new long[JudgeBounds.Count];
    private readonly long[] _coarse = new long[ExportBounds.Length + 1];
    private readonly long[] _failures = new long[4];
    private long _errors;
    private long _sumMicroseconds;

    public void Record(int status, double milliseconds, UpstreamFailure failure)
    {
        Interlocked.Increment(ref _byClass[status is >= 100 and < 600 ? status / 100 : 0]);
        if (errorStatuses.Contains(status) || failure != UpstreamFailure.None)
        {
            Interlocked.Increment(ref _errors);
        }
        if (failure != UpstreamFailure.None)
        {
            Interlocked.Increment(ref _failures[(int)failure]);
        }
        Interlocked.Increment(ref _fine[Bucket(JudgeBoundsArray, milliseconds)]);
        Interlocked.Increment(ref _coarse[Bucket(ExportBounds, milliseconds / 1000)]);
        Interlocked.Add(ref _sumMicroseconds, (long)(milliseconds * 1000));
    }

    /// <summary>Everything counted so far.</summary>
    public MetricsSnapshot Snapshot()
    {
        var fine = new long[_fine.Length];
        for (var i = 0; i < fine.Length; i++)
        {
            fine[i] = Interlocked.Read(ref _fine[i]);
        }
        var coarse = new long[_coarse.Length];
        for (var i = 0; i < coarse.Length; i++)
        {
            coarse[i] = Interlocked.Read(ref _coarse[i]);
        }
        var byClass = new long[6];
        for (var i = 0; i < 6; i++)
        {
            byClass[i] = Interlocked.Read(ref _byClass[i]);
        }
        var failures = new long[4];
        for (var i = 0; i < 4; i++)
        {
            failures[i] = Interlocked.Read(ref _failures[i]);
        }
        // Requests are the sum of the fine buckets, so a request recorded during the copy is counted in
        // neither this snapshot's total nor its buckets inconsistently: the total is derived, not read.
        return new MetricsSnapshot(fine.Sum(), Interlocked.Read(ref _errors), byClass, failures, fine, coarse, Interlocked.Read(ref _sumMicroseconds) / 1e6);
    }

    private static int Bucket(double[] bounds, double value)
    {
        var lo = 0;
        var hi = bounds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (bounds[mid] >= value)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

}

/// <summary>A version's counters at one moment; the difference of two is one look.</summary>
public sealed record MetricsSnapshot(long Requests, long Errors, long[] ByClass, long[] Failures, long[] FineBuckets, long[] CoarseBuckets, double SumSeconds)
{
    public static MetricsSnapshot Zero { get; } = new(0, 0, new long[6], new long[4], new long[VersionMetrics.JudgeBounds.Count], new long[VersionMetrics.ExportBounds.Length + 1], 0);

    /// <summary>What happened between <paramref name="earlier"/> and this snapshot, as the judge's aggregate.</summary>
    public IntervalAggregate Since(MetricsSnapshot earlier)
    {
        var counts = new long[FineBuckets.Length];
        long running = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            running += FineBuckets[i] - earlier.FineBuckets[i];
            counts[i] = running;
        }
        var requests = running;
        var errors = Math.Clamp(Errors - earlier.Errors, 0, requests);
        return new IntervalAggregate(requests, errors, requests > 0 ? new LatencyHistogram(VersionMetrics.JudgeBounds, counts) : null);
    }

    public long Failure(UpstreamFailure kind) => Failures[(int)kind];
}
