using System.Globalization;

namespace Faultline.Core.Resources;

/// <summary>
/// Turns measured usage into requests and limits, per container, with the history behind each number; refuses a
/// resource whose history is shorter than <see cref="RecommendOptions.MinHistory"/>. Pure: the samples carry
/// their times, no clock is read.
/// </summary>
public static class ResourceRecommender
{
    public static IReadOnlyList<ContainerRecommendation> Recommend(IEnumerable<ContainerUsage> usage, RecommendOptions options)
    {
        var list = usage.ToList();
        // VPA spreads its per-pod minimums over the containers of the pod; the containers seen per workload stand in for it.
        var containersPerWorkload = list.GroupBy(u => (u.Key.Namespace, u.Key.Workload)).ToDictionary(g => g.Key, g => g.Count());
        return list
            .OrderBy(u => u.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(u => u.Key.Workload, StringComparer.Ordinal)
            .ThenBy(u => u.Key.Container, StringComparer.Ordinal)
            .Select(u => Recommend(u, options, containersPerWorkload[(u.Key.Namespace, u.Key.Workload)]))
            .ToList();
    }

    public static ContainerRecommendation Recommend(ContainerUsage usage, RecommendOptions options, int containersInPod = 1)
    {
        var cpuHistory = History(usage.Cpu);
        var memoryHistory = History(usage.Memory);
        var oomKills = usage.OomKills.Count;
        var cpu = Refuse("cpu", "CPU", cpuHistory, options) ?? (options.Strategy == RecommendStrategy.Vpa
            ? VpaEstimator.Cpu(usage, cpuHistory, containersInPod)
            : SimpleCpu(usage.Cpu, cpuHistory, options));
        var memory = Refuse("memory", "memory", memoryHistory, options) ?? (options.Strategy == RecommendStrategy.Vpa
            ? VpaEstimator.Memory(usage, memoryHistory, cpuHistory, containersInPod)
            : SimpleMemory(usage.Memory, memoryHistory, oomKills, options));
        return new ContainerRecommendation(usage.Key, cpu, memory with { OomKills = oomKills });
    }

    /// <summary>
    /// Samples, first and last time, and the time they cover: the sum of the gaps between consecutive sample times
    /// that are at most twice the usual (median) gap, so that a pod that was away for a day does not count that day.
    /// </summary>
    public static UsageHistory History(IReadOnlyList<UsagePoint> points)
    {
        if (points.Count == 0)
        {
            return UsageHistory.None;
        }
        var times = points.Select(p => p.Time).Distinct().Order().ToList();
        if (times.Count == 1)
        {
            return new UsageHistory(points.Count, 0, times[0], times[0]);
        }
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        var sorted = gaps.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var covered = gaps.Where(g => g <= 2 * median).Sum();
        return new UsageHistory(points.Count, covered / 3600, times[0], times[^1]);
    }

    private static ResourceRecommendation? Refuse(string resource, string words, UsageHistory history, RecommendOptions options)
    {
        if (history.Samples == 0)
        {
            return new ResourceRecommendation { Resource = resource, History = history, Refusal = $"no {words} samples" };
        }
        // A small tolerance: a window of exactly the minimum, sampled at its ends, counts as the minimum.
        if (history.CoveredHours + 1e-9 >= options.MinHistory.TotalHours)
        {
            return null;
        }
        return new ResourceRecommendation
        {
            Resource = resource,
            History = history,
            Refusal = $"too little history: {Hours(history.CoveredHours)} of {words} samples ({history.Samples} samples, " +
                $"{history.First:yyyy-MM-dd HH:mm} to {history.Last:yyyy-MM-dd HH:mm} UTC); at least {Hours(options.MinHistory.TotalHours)} are needed",
        };
    }

    private static ResourceRecommendation SimpleCpu(IReadOnlyList<UsagePoint> cpu, UsageHistory history, RecommendOptions options)
    {
        var values = cpu.Select(p => p.Value).Where(double.IsFinite).ToList();
        var p = Percentile(values, options.CpuPercentile);
        var request = ResourceUnits.RoundUpCpu(p);
        return new ResourceRecommendation
        {
            Resource = "cpu",
            History = history,
            Request = request,
            Basis = $"p{Pct(options.CpuPercentile)} of {values.Count} samples = {ResourceUnits.Describe("cpu", p)}; no limit (a CPU limit throttles)",
        };
    }

    private static ResourceRecommendation SimpleMemory(IReadOnlyList<UsagePoint> memory, UsageHistory history, int oomKills, RecommendOptions options)
    {
        var peak = memory.Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var value = peak * (1 + options.MemoryMargin);
        var basis = $"peak {ResourceUnits.Describe("memory", peak)} x {1 + options.MemoryMargin:0.##}";
        if (oomKills > 0)
        {
            value *= 1 + options.OomBump;
            basis += $" x {1 + options.OomBump:0.##} ({oomKills} OOM kill{(oomKills == 1 ? "" : "s")}: the peak was cut short)";
        }
        var rounded = ResourceUnits.RoundUpMemory(value);
        return new ResourceRecommendation
        {
            Resource = "memory",
            History = history,
            Request = rounded,
            Limit = rounded,
            Basis = basis + "; limit = request",
        };
    }

    /// <summary>Nearest-rank percentile (the smallest value with at least p of the samples at or below it).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Hours(double hours) => hours >= 48
        ? (hours / 24).ToString("0.#", CultureInfo.InvariantCulture) + " d"
        : hours.ToString("0.#", CultureInfo.InvariantCulture) + " h";

    internal static string Pct(double p) => (p * 100).ToString("0.#", CultureInfo.InvariantCulture);
}
