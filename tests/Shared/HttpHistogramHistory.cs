using System.Globalization;

namespace Faultline.Testing;

/// <summary>
/// Writes an hour (or any span) of <c>http_server_request_duration_seconds</c> history, the histogram that
/// OpenTelemetry's HTTP server instrumentation exports, for a stable and a canary version: every 15 s each
/// version serves <c>perInterval</c> requests with a fixed latency shape, and <c>errorsPerInterval</c> of them
/// answer 500. A "slow" shape moves the distribution up, a "failing" arm has more errors.
/// </summary>
public static class HttpHistogramHistory
{
    public static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Cumulative shares per bound (out of 100) of a healthy service: median about 50 ms.</summary>
    public static readonly int[] Healthy = [0, 2, 20, 50, 75, 90, 99, 100, 100, 100, 100, 100, 100, 100];

    /// <summary>The same service 40% slower or so: median about 75 ms.</summary>
    public static readonly int[] Slow = [0, 1, 5, 20, 48, 70, 95, 100, 100, 100, 100, 100, 100, 100];

    public sealed record Arm(string Version, int[] Shape, int PerInterval, int ErrorsPerInterval, IReadOnlyDictionary<string, string>? Labels = null);

    public static void Add(OpenMetricsWriter writer, DateTimeOffset start, DateTimeOffset end, params Arm[] arms) => Add(writer, start, end, 15, arms);

    /// <summary>The same with a sample every <paramref name="stepSeconds"/> (perInterval requests per step).</summary>
    public static void Add(OpenMetricsWriter writer, DateTimeOffset start, DateTimeOffset end, double stepSeconds, params Arm[] arms)
    {
        const string family = "http_server_request_duration_seconds";
        var steps = (int)((end - start).TotalSeconds / stepSeconds);
        foreach (var arm in arms)
        {
            foreach (var (status, share) in new[] { ("200", arm.PerInterval - arm.ErrorsPerInterval), ("500", arm.ErrorsPerInterval) })
            {
                var labels = new Dictionary<string, string>(arm.Labels ?? new Dictionary<string, string>()) { ["version"] = arm.Version, ["http_response_status_code"] = status };
                for (var i = 0; i <= steps; i++)
                {
                    var t = (start.ToUnixTimeMilliseconds() / 1000.0) + (i * stepSeconds);
                    long total = (long)share * i;
                    for (var b = 0; b < Bounds.Length; b++)
                    {
                        var bucketLabels = new Dictionary<string, string>(labels) { ["le"] = Bounds[b].ToString(CultureInfo.InvariantCulture) };
                        writer.Add(family, "histogram", family + "_bucket", bucketLabels, t, total * arm.Shape[b] / 100);
                    }
                    writer.Add(family, "histogram", family + "_bucket", new Dictionary<string, string>(labels) { ["le"] = "+Inf" }, t, total);
                    writer.Add(family, "histogram", family + "_count", labels, t, total);
                    writer.Add(family, "histogram", family + "_sum", labels, t, total * 0.06);
                }
            }
        }
    }
}
