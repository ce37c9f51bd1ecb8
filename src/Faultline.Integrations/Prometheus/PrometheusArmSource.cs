using System.Globalization;
using Faultline.Core.Canary;
using Faultline.Core.Judge;

namespace Faultline.Integrations.Prometheus;

/// <summary>
/// One look's observations of both arms. <see cref="Missing"/> names what could not be read (a series that
/// does not exist, a Prometheus that does not answer); the judge must then hold, never promote.
/// </summary>
public sealed record ArmLook(ArmBatch Baseline, ArmBatch Canary, IReadOnlyList<string> Missing)
{
    public static ArmLook Unavailable(string reason) => new(ArmBatch.Empty, ArmBatch.Empty, [reason]);
}

/// <summary>
/// Turns the PromQL of a metrics block into the judge's aggregated observations over a time window: request
/// and error counts with <c>increase()</c> over the window, and a latency histogram from the bucket counts.
/// </summary>
public sealed class PrometheusArmSource(PrometheusClient client, PrometheusMetricsSpec spec)
{
    public PrometheusMetricsSpec Spec => spec;

    /// <summary>Reads both arms over [<paramref name="from"/>, <paramref name="to"/>]; failures become <see cref="ArmLook.Missing"/>.</summary>
    public async Task<ArmLook> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancel = default)
    {
        var seconds = Math.Max(1, (long)Math.Round((to - from).TotalSeconds));
        var range = seconds.ToString(CultureInfo.InvariantCulture) + "s";
        var missing = new List<string>();
        try
        {
            var baseline = await Arm("baseline", spec.Baseline, range, to, missing, cancel);
            var canary = await Arm("canary", spec.Canary, range, to, missing, cancel);
            return new ArmLook(baseline, canary, missing);
        }
        catch (PrometheusException e)
        {
            return ArmLook.Unavailable($"Prometheus did not answer: {e.Message}");
        }
    }

    private async Task<ArmBatch> Arm(string side, ArmQueries queries, string range, DateTimeOffset at, List<string> missing, CancellationToken cancel)
    {
        var requestsQuery = queries.Requests.Replace("{range}", range, StringComparison.Ordinal);
        var requests = await client.QueryAsync(requestsQuery, at, cancel);
        if (requests.Count == 0)
        {
            missing.Add($"no {side} series for {requestsQuery}");
            return ArmBatch.Empty;
        }
        var errors = await client.QueryAsync(queries.Errors.Replace("{range}", range, StringComparison.Ordinal), at, cancel);
        var requestCount = Count(requests.Sum(s => s.Value));
        // No error series at all means no errors were recorded, which is not missing data.
        var errorCount = Math.Min(requestCount, Count(errors.Sum(s => s.Value)));
        LatencyHistogram? latency = null;
        if (queries.LatencyBuckets is { } bucketsQuery)
        {
            var query = bucketsQuery.Replace("{range}", range, StringComparison.Ordinal);
            var buckets = await client.QueryAsync(query, at, cancel);
            latency = Histogram(buckets, spec.LatencyScaleToMs);
            if (latency is null && requestCount > 0)
            {
                missing.Add($"no {side} latency buckets for {query}");
            }
        }
        return ArmBatch.Of(new IntervalAggregate(requestCount, errorCount, latency));
    }

    /// <summary>Buckets by "le" into a cumulative histogram in milliseconds; null without a +Inf bucket.</summary>
    internal static LatencyHistogram? Histogram(IReadOnlyList<PromSample> buckets, double scaleToMs)
    {
        var points = new SortedDictionary<double, double>();
        foreach (var b in buckets)
        {
            if (!b.Labels.TryGetValue("le", out var le))
            {
                continue;
            }
            var bound = le is "+Inf" or "Inf" ? double.PositiveInfinity : double.Parse(le, NumberStyles.Float, CultureInfo.InvariantCulture);
            points[bound] = points.GetValueOrDefault(bound) + (double.IsFinite(b.Value) ? b.Value : 0);
        }
        if (points.Count == 0 || !double.IsPositiveInfinity(points.Keys.Last()))
        {
            return null;
        }
        var bounds = new List<double>();
        var counts = new List<long>();
        long running = 0;
        foreach (var (bound, value) in points)
        {
            // increase() extrapolates, so counts are not whole and may dip; keep them whole and non-decreasing.
            running = Math.Max(running, Count(value));
            bounds.Add(double.IsPositiveInfinity(bound) ? bound : bound * scaleToMs);
            counts.Add(running);
        }
        return new LatencyHistogram(bounds, counts);
    }

    private static long Count(double value) => double.IsFinite(value) && value > 0 ? (long)Math.Round(value) : 0;
}
