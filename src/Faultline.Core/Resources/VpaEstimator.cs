namespace Faultline.Core.Resources;

/// <summary>
/// The Kubernetes Vertical Pod Autoscaler recommender's estimators, re-implemented from its documented defaults
/// (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender: logic/recommender.go, logic/estimator.go,
/// model/aggregations_config.go, model/container.go, util/histogram.go):
/// <list type="bullet">
/// <item>CPU samples go into a decaying histogram (half-life 24 h); memory goes in as one peak per container
/// instance per 24 h interval, into a decaying histogram with the same half-life, over the last 8 intervals.</item>
/// <item>Histogram buckets grow by 5%, starting at 0.001 cores (CPU) and 1e7 bytes (memory); a percentile is the end
/// of the bucket where the cumulative weight reaches it.</item>
/// <item>Target = 90th percentile (CPU usage; memory peaks), lower bound = 50th, upper bound = 95th, each plus a
/// 15% safety margin (recommendation-margin-fraction 0.15).</item>
/// <item>Confidence = min(history in days, samples / 1440): the upper bound is multiplied by (1 + 1/confidence),
/// the lower bound by (1 + 0.001/confidence)^-2.</item>
/// <item>At least 25 millicores and 250 MiB per pod (pod-recommendation-min-cpu-millicores 25,
/// pod-recommendation-min-memory-mb 250, applied as 250 x 1024 x 1024 bytes), spread over its containers.</item>
/// <item>An OOM kill adds a memory peak of max(used + 100 MiB, used x 1.2) (OOMMinBumpUp, OOMBumpUpRatio).</item>
/// </list>
/// Where Faultline differs: the recommender weighs CPU samples by the container's request (at least 0.1 core);
/// Prometheus history does not carry the request of every sample, so every sample weighs the same (a constant
/// request gives the same percentiles). Its confidence counts samples at one a minute; here the samples count
/// for the time they cover, so a 5-minute step is not taken for less history. After an OOM kill the recommender
/// bumps max(request, peak); the request is not known here, so it bumps the peak. The memory limit Faultline
/// suggests is the upper bound (the recommender itself keeps the template's limit-to-request ratio).
/// </summary>
public static class VpaEstimator
{
    public const double HalfLifeHours = 24;
    public const double TargetPercentile = 0.9;
    public const double LowerPercentile = 0.5;
    public const double UpperPercentile = 0.95;
    public const double SafetyMargin = 0.15;
    public const double PodMinCpuCores = 0.025;
    public const double PodMinMemoryBytes = 250 * 1024 * 1024;
    public const double OomBumpRatio = 1.2;
    public const double OomMinBumpBytes = 100 * 1024 * 1024;
    public const int MemoryIntervals = 8;
    private static readonly TimeSpan MemoryInterval = TimeSpan.FromHours(24);

    public static ResourceRecommendation Cpu(ContainerUsage usage, UsageHistory history, int containersInPod)
    {
        var histogram = new DecayingHistogram(firstBucket: 0.001, maxValue: 1000);
        var reference = history.Last!.Value;
        foreach (var p in usage.Cpu.Where(p => double.IsFinite(p.Value)))
        {
            histogram.Add(Math.Max(0, p.Value), 1, (p.Time - reference).TotalHours);
        }
        var min = PodMinCpuCores / Math.Max(1, containersInPod);
        var (target, lower, upper) = Bounds(histogram, Confidence(history), min);
        return new ResourceRecommendation
        {
            Resource = "cpu",
            History = history,
            Request = ResourceUnits.RoundUpCpu(target),
            LowerBound = ResourceUnits.RoundUpCpu(lower),
            UpperBound = ResourceUnits.RoundUpCpu(upper),
            Basis = $"VPA: p90 of a decaying CPU histogram (half-life 24 h) = {ResourceUnits.Describe("cpu", histogram.Percentile(TargetPercentile))}, +15% margin, at least {ResourceUnits.Describe("cpu", min)}; no limit",
        };
    }

    public static ResourceRecommendation Memory(ContainerUsage usage, UsageHistory history, UsageHistory cpuHistory, int containersInPod)
    {
        var peaks = Peaks(usage);
        var histogram = new DecayingHistogram(firstBucket: 1e7, maxValue: 1e12);
        var reference = peaks.Count == 0 ? history.Last!.Value : peaks.Max(p => p.End);
        foreach (var peak in peaks.Where(p => p.End > reference - (MemoryInterval * MemoryIntervals)))
        {
            histogram.Add(peak.Bytes, 1, (peak.End - reference).TotalHours);
        }
        var min = PodMinMemoryBytes / Math.Max(1, containersInPod);
        // The recommender's confidence comes from the container's CPU sample history; memory has no count of its own.
        var (target, lower, upper) = Bounds(histogram, Confidence(cpuHistory.Samples > 0 ? cpuHistory : history), min);
        return new ResourceRecommendation
        {
            Resource = "memory",
            History = history,
            Request = ResourceUnits.RoundUpMemory(target),
            Limit = ResourceUnits.RoundUpMemory(upper),
            LowerBound = ResourceUnits.RoundUpMemory(lower),
            UpperBound = ResourceUnits.RoundUpMemory(upper),
            Basis = $"VPA: p90 of {peaks.Count} daily peaks (decaying, half-life 24 h) = {ResourceUnits.Describe("memory", histogram.Percentile(TargetPercentile))}, +15% margin, at least {ResourceUnits.Describe("memory", min)}"
                + (usage.OomKills.Count > 0 ? $"; {usage.OomKills.Count} OOM kill(s) added peaks of max(peak + 100Mi, peak x 1.2)" : "")
                + "; limit = upper bound",
        };
    }

    private static (double Target, double Lower, double Upper) Bounds(DecayingHistogram histogram, double confidence, double min)
    {
        var margin = 1 + SafetyMargin;
        var target = histogram.Percentile(TargetPercentile) * margin;
        var lower = histogram.Percentile(LowerPercentile) * margin * Math.Pow(1 + (0.001 / confidence), -2);
        var upper = histogram.Percentile(UpperPercentile) * margin * (1 + (1 / confidence));
        return (Math.Max(target, min), Math.Max(lower, min), Math.Max(upper, min));
    }

    /// <summary>History in days, as the recommender measures it: min(first to last sample, samples at one a minute).</summary>
    private static double Confidence(UsageHistory history)
    {
        if (history.First is not { } first || history.Last is not { } last)
        {
            return 1.0 / 1440;
        }
        var lifespanDays = (last - first).TotalDays;
        // At least a minute, so that a tiny --min-history cannot make the upper bound infinite.
        return Math.Max(Math.Min(lifespanDays, history.CoveredHours / 24), 1.0 / 1440);
    }

    /// <summary>One peak per instance per 24 h interval (intervals start at the instance's first sample); an OOM kill raises its interval's peak.</summary>
    private static List<(DateTimeOffset End, double Bytes)> Peaks(ContainerUsage usage)
    {
        var peaks = new Dictionary<(string Instance, long Interval), (DateTimeOffset End, double Bytes)>();
        var starts = usage.Memory.GroupBy(p => p.Instance).ToDictionary(g => g.Key, g => g.Min(p => p.Time));
        long IntervalOf(string instance, DateTimeOffset t) =>
            starts.TryGetValue(instance, out var s) ? (long)Math.Floor((t - s) / MemoryInterval) : 0;
        DateTimeOffset EndOf(string instance, long interval) =>
            (starts.TryGetValue(instance, out var s) ? s : default) + (MemoryInterval * (interval + 1));
        foreach (var p in usage.Memory.Where(p => double.IsFinite(p.Value)))
        {
            var key = (p.Instance, IntervalOf(p.Instance, p.Time));
            if (!peaks.TryGetValue(key, out var peak) || p.Value > peak.Bytes)
            {
                peaks[key] = (EndOf(key.Instance, key.Item2), p.Value);
            }
        }
        foreach (var oom in usage.OomKills)
        {
            var instance = starts.ContainsKey(oom.Instance) ? oom.Instance : starts.Keys.FirstOrDefault() ?? oom.Instance;
            var key = (instance, IntervalOf(instance, oom.Time));
            var used = peaks.TryGetValue(key, out var peak) ? peak.Bytes : 0;
            var needed = Math.Max(used + OomMinBumpBytes, used * OomBumpRatio);
            peaks[key] = (EndOf(instance, key.Item2), Math.Max(used, needed));
        }
        return peaks.Values.ToList();
    }
}

/// <summary>
/// A histogram with exponentially growing buckets (each 5% wider than the one before) whose samples lose half
/// their weight every <see cref="VpaEstimator.HalfLifeHours"/>: a sample's weight is multiplied by
/// 2^(age / half-life) relative to a reference time, which does not change the percentiles.
/// </summary>
internal sealed class DecayingHistogram(double firstBucket, double maxValue)
{
    private const double Ratio = 1.05;
    private readonly int _buckets = (int)Math.Ceiling(Math.Log((maxValue * (Ratio - 1) / firstBucket) + 1) / Math.Log(Ratio)) + 1;
    private readonly SortedDictionary<int, double> _weights = [];
    private double _total;

    /// <param name="hoursFromReference">negative for samples older than the reference time.</param>
    public void Add(double value, double weight, double hoursFromReference)
    {
        var w = weight * Math.Pow(2, hoursFromReference / VpaEstimator.HalfLifeHours);
        var bucket = Bucket(value);
        _weights[bucket] = _weights.GetValueOrDefault(bucket) + w;
        _total += w;
    }

    /// <summary>The end of the bucket in which the cumulative weight reaches p of the total; 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (_total <= 0)
        {
            return 0;
        }
        var threshold = p * _total;
        var sum = 0.0;
        var last = _weights.Keys.Last();
        foreach (var (bucket, weight) in _weights)
        {
            sum += weight;
            if (sum >= threshold || bucket == last)
            {
                return bucket < _buckets - 1 ? Start(bucket + 1) : Start(bucket);
            }
        }
        return Start(last);
    }

    private int Bucket(double value)
    {
        if (value < firstBucket)
        {
            return 0;
        }
        var b = (int)(Math.Log((value * (Ratio - 1) / firstBucket) + 1) / Math.Log(Ratio));
        return Math.Min(b, _buckets - 1);
    }

    private double Start(int bucket) => bucket == 0 ? 0 : firstBucket * (Math.Pow(Ratio, bucket) - 1) / (Ratio - 1);
}
