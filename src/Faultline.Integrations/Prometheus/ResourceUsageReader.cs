using System.Globalization;
using System.Text.RegularExpressions;
using Faultline.Core.Resources;

namespace Faultline.Integrations.Prometheus;

/// <summary>What was read, and how: the usage per container and the queries it took.</summary>
public sealed record ResourceUsageResult(IReadOnlyList<ContainerUsage> Containers, TimeSpan Step, int Queries, bool OomMetricsFound);

/// <summary>
/// Reads container usage from cAdvisor metrics in Prometheus: CPU as the rate of
/// container_cpu_usage_seconds_total, memory as the peak of container_memory_working_set_bytes in every step, and
/// OOM kills from kube-state-metrics (last terminated reason OOMKilled) and cAdvisor (container_oom_events_total)
/// when either is there. Series are grouped by namespace, workload (the pod name without its ReplicaSet hash and
/// random suffix, or StatefulSet ordinal) and container. Long windows are read in chunks of a day, with a step
/// chosen so that no series exceeds Prometheus' 11,000 points per query.
/// </summary>
public sealed partial class ResourceUsageReader(PrometheusClient client)
{
    /// <summary>Prometheus refuses a range query that would give more points than this per series.</summary>
    public const int MaxPointsPerSeries = 11_000;

    public static readonly TimeSpan Chunk = TimeSpan.FromDays(1);

    /// <summary>The step for a window: 1 minute up to a day, then as coarse as keeps a window at about 4,000 points, in whole minutes.</summary>
    public static TimeSpan StepFor(TimeSpan window)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(window.TotalMinutes / 4032));
        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>The chunks of a window: at most a day each and never more than <see cref="MaxPointsPerSeries"/> steps.</summary>
    public static IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Chunks(DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var length = TimeSpan.FromTicks(Math.Min(Chunk.Ticks, step.Ticks * (MaxPointsPerSeries - 1)));
        var chunks = new List<(DateTimeOffset, DateTimeOffset)>();
        for (var s = start; s < end; s += length)
        {
            // Chunks share no point: each ends one step before the next starts; the last one takes the end itself.
            var e = s + length >= end ? end : s + length - step;
            chunks.Add((s, e));
        }
        if (chunks.Count == 0)
        {
            chunks.Add((start, end));
        }
        return chunks;
    }

    public async Task<ResourceUsageResult> ReadAsync(string? namespacePattern, DateTimeOffset start, DateTimeOffset end, TimeSpan? step = null, CancellationToken cancel = default)
    {
        var s = step ?? StepFor(end - start);
        var selector = "container!=\"\",container!=\"POD\"" + (string.IsNullOrEmpty(namespacePattern) ? "" : $",namespace=~\"{Escape(namespacePattern)}\"");
        var rateWindow = Duration(s > TimeSpan.FromMinutes(5) ? s : TimeSpan.FromMinutes(5));
        var cpuQuery = $"rate(container_cpu_usage_seconds_total{{{selector}}}[{rateWindow}])";
        var memoryQuery = $"max_over_time(container_memory_working_set_bytes{{{selector}}}[{Duration(s)}])";
        var eventWindow = s > TimeSpan.FromMinutes(5) ? s : TimeSpan.FromMinutes(5);
        var ksmSelector = "reason=\"OOMKilled\"" + (string.IsNullOrEmpty(namespacePattern) ? "" : $",namespace=~\"{Escape(namespacePattern)}\"");
        // The last terminated reason stays OOMKilled until the next termination: count each restart that follows it.
        var oomKsm = $"max_over_time(kube_pod_container_status_last_terminated_reason{{{ksmSelector}}}[{Duration(eventWindow)}]) * on (namespace, pod, container) group_left increase(kube_pod_container_status_restarts_total[{Duration(eventWindow)}])";
        var oomCadvisor = $"increase(container_oom_events_total{{{selector}}}[{Duration(eventWindow)}])";

        var cpu = new Dictionary<(ContainerKey, string), List<UsagePoint>>();
        var memory = new Dictionary<(ContainerKey, string), List<UsagePoint>>();
        var ooms = new Dictionary<(ContainerKey, string), List<UsagePoint>>();
        var queries = 0;
        var oomFound = false;
        foreach (var (from, to) in Chunks(start, end, s))
        {
            queries += 4;
            var cpuTask = client.QueryRangeAsync(cpuQuery, from, to, s, cancel);
            var memoryTask = client.QueryRangeAsync(memoryQuery, from, to, s, cancel);
            var ksmTask = client.QueryRangeAsync(oomKsm, from, to, s, cancel);
            var cadvisorTask = client.QueryRangeAsync(oomCadvisor, from, to, s, cancel);
            Add(cpu, await cpuTask);
            Add(memory, await memoryTask);
            var ksm = await ksmTask;
            var cadvisor = await cadvisorTask;
            oomFound |= ksm.Count > 0 || cadvisor.Count > 0;
            AddEvents(ooms, ksm, eventWindow);
            // Both sources may see the same kill; cAdvisor's count is used only for pods kube-state-metrics does not know.
            var known = ksm.Select(x => KeyOf(x.Labels)).ToHashSet();
            AddEvents(ooms, cadvisor.Where(x => !known.Contains(KeyOf(x.Labels))).ToList(), eventWindow);
        }
        var keys = cpu.Keys.Concat(memory.Keys).Select(k => k.Item1).Distinct();
        var containers = keys.Select(k => new ContainerUsage(
                k,
                Flatten(cpu, k),
                Flatten(memory, k),
                Flatten(ooms, k)))
            .ToList();
        return new ResourceUsageResult(containers, s, queries, oomFound);
    }

    /// <summary>
    /// The workload a pod belongs to, from its name: a Deployment's pod is NAME-HASH-XXXXX (the pod-template hash
    /// and a random suffix, both in Kubernetes' consonant-and-digit alphabet), a CronJob's NAME-TIMESTAMP-XXXXX, a
    /// DaemonSet's, Job's or ReplicaSet's NAME-XXXXX, a StatefulSet's NAME-N. Anything else is its own workload.
    /// </summary>
    public static string WorkloadOf(string pod)
    {
        if (DeploymentPod().Match(pod) is { Success: true } d)
        {
            return d.Groups[1].Value;
        }
        if (CronJobPod().Match(pod) is { Success: true } c)
        {
            return c.Groups[1].Value;
        }
        if (SuffixPod().Match(pod) is { Success: true } s)
        {
            return s.Groups[1].Value;
        }
        if (OrdinalPod().Match(pod) is { Success: true } o)
        {
            return o.Groups[1].Value;
        }
        return pod;
    }

    [GeneratedRegex("^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex DeploymentPod();

    [GeneratedRegex("^(.+)-[0-9]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex CronJobPod();

    [GeneratedRegex("^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex SuffixPod();

    [GeneratedRegex("^(.+)-[0-9]+$")]
    private static partial Regex OrdinalPod();

    private static (ContainerKey, string) KeyOf(IReadOnlyDictionary<string, string> labels)
    {
        var pod = labels.GetValueOrDefault("pod") ?? labels.GetValueOrDefault("pod_name") ?? "";
        var container = labels.GetValueOrDefault("container") ?? labels.GetValueOrDefault("container_name") ?? "";
        return (new ContainerKey(labels.GetValueOrDefault("namespace") ?? "", WorkloadOf(pod), container), pod);
    }

    private static void Add(Dictionary<(ContainerKey, string), List<UsagePoint>> into, IReadOnlyList<PromSeries> series)
    {
        foreach (var s in series)
        {
            var key = KeyOf(s.Labels);
            if (!into.TryGetValue(key, out var list))
            {
                list = [];
                into[key] = list;
            }
            foreach (var (t, v) in s.Points)
            {
                if (double.IsFinite(v))
                {
                    list.Add(new UsagePoint(DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(t * 1000)), v, key.Item2));
                }
            }
        }
    }

    /// <summary>
    /// An event where the count went up. increase() looks back a whole window, so one kill shows in the steps of one
    /// window: those count once (two kills within one window count as one).
    /// </summary>
    private static void AddEvents(Dictionary<(ContainerKey, string), List<UsagePoint>> into, IReadOnlyList<PromSeries> series, TimeSpan window)
    {
        foreach (var s in series)
        {
            var key = KeyOf(s.Labels);
            foreach (var (t, v) in s.Points.Where(p => p.Value >= 0.5))
            {
                if (!into.TryGetValue(key, out var list))
                {
                    list = [];
                    into[key] = list;
                }
                var at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(t * 1000));
                if (list.Count == 0 || at - list[^1].Time >= window)
                {
                    list.Add(new UsagePoint(at, v, key.Item2));
                }
            }
        }
    }

    private static List<UsagePoint> Flatten(Dictionary<(ContainerKey, string), List<UsagePoint>> from, ContainerKey key) =>
        from.Where(kv => kv.Key.Item1 == key).SelectMany(kv => kv.Value).OrderBy(p => p.Time).ToList();

    private static string Duration(TimeSpan t) => ((int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
