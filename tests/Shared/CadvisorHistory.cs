namespace Faultline.Testing;

/// <summary>
/// cAdvisor-shaped usage history for a real Prometheus (through promtool backfill), one sample a minute, ending at
/// <see cref="End"/>. Four containers in namespace shop and one elsewhere:
/// <list type="bullet">
/// <item>checkout (Deployment pod checkout-7d4b9c8f6-x2x4z, container app): 3 days steady, 0.18..0.22 cores, 295..305 MiB.</item>
/// <item>search (Deployment pod search-6c9f8d7b5-q7w2k): 3 days at 0.1 cores with 10 minutes an hour at 1.2 cores; memory 200 MiB, 450 MiB in the spikes.</item>
/// <item>cache (StatefulSet pod cache-0, container redis): 3 days; memory climbs from 200 to 512 MiB every 12 hours and is OOM-killed there (container_oom_events_total), 0.05 cores.</item>
/// <item>nightly-report (CronJob pod nightly-report-29123456-x4z9p, container report): only the last hour.</item>
/// <item>monitoring/agent-b7k2x (DaemonSet): 3 days, outside shop.</item>
/// <item>batch/importer-0 (container importer): 3 days; OOM-killed at 24, 48 and 72 h (the last minute), seen only through kube-state-metrics
/// (last terminated reason OOMKilled, restarts).</item>
/// </list>
/// Pod-level (container="") and pause (container="POD") series exist too, to be ignored.
/// </summary>
public static class CadvisorHistory
{
    public const double Mi = 1024 * 1024;

    public static string OpenMetrics(DateTimeOffset end)
    {
        var writer = new OpenMetricsWriter();
        var last = end.ToUnixTimeSeconds() / 60 * 60;
        var random = new Random(42);
        void Series(string ns, string pod, string container, int minutes, Func<int, double> cores, Func<int, double> bytes, Func<int, bool>? oomAt = null)
        {
            var labels = new Dictionary<string, string> { ["namespace"] = ns, ["pod"] = pod, ["container"] = container };
            var cpuTotal = 0.0;
            var ooms = 0;
            for (var i = 0; i <= minutes; i++)
            {
                var t = last - ((minutes - i) * 60L);
                cpuTotal += cores(i) * 60;
                writer.Add("container_cpu_usage_seconds", "counter", "container_cpu_usage_seconds_total", labels, t, Math.Round(cpuTotal, 3));
                writer.Add("container_memory_working_set_bytes", "gauge", "container_memory_working_set_bytes", labels, t, Math.Round(bytes(i)));
                if (oomAt is not null)
                {
                    if (oomAt(i))
                    {
                        ooms++;
                    }
                    writer.Add("container_oom_events", "counter", "container_oom_events_total", labels, t, ooms);
                }
            }
        }
        const int days3 = 3 * 24 * 60;
        Series("shop", "checkout-7d4b9c8f6-x2x4z", "app", days3, _ => 0.18 + (random.NextDouble() * 0.04), _ => (295 + (random.NextDouble() * 10)) * Mi);
        Series("shop", "checkout-7d4b9c8f6-x2x4z", "POD", days3, _ => 0.001, _ => 1 * Mi);
        Series("shop", "checkout-7d4b9c8f6-x2x4z", "", days3, _ => 0.2, _ => 310 * Mi);
        Series("shop", "search-6c9f8d7b5-q7w2k", "search", days3, i => i % 60 < 10 ? 1.2 : 0.1, i => i % 60 < 10 ? 450 * Mi : 200 * Mi);
        // 12 hours = 720 minutes: memory climbs to 512 MiB at minute 719 of each cycle, and the kill is seen at minute 0 of the next.
        Series("shop", "cache-0", "redis", days3, _ => 0.05, i => (200 + (312.0 * (i % 720) / 719)) * Mi, i => i > 0 && i % 720 == 0);
        Series("shop", "nightly-report-29123456-x4z9p", "report", 60, _ => 0.5, _ => 100 * Mi);
        Series("monitoring", "agent-b7k2x", "agent", days3, _ => 0.02, _ => 50 * Mi);
        Series("batch", "importer-0", "importer", days3, _ => 0.3, i => (100 + (i % 1440 / 10.0)) * Mi);
        var importer = new Dictionary<string, string> { ["namespace"] = "batch", ["pod"] = "importer-0", ["container"] = "importer" };
        var killed = new Dictionary<string, string>(importer) { ["reason"] = "OOMKilled" };
        for (var i = 0; i <= days3; i++)
        {
            var t = last - ((days3 - i) * 60L);
            writer.Add("kube_pod_container_status_restarts", "counter", "kube_pod_container_status_restarts_total", importer, t, i / 1440);
            if (i >= 1440)
            {
                writer.Add("kube_pod_container_status_last_terminated_reason", "gauge", "kube_pod_container_status_last_terminated_reason", killed, t, 1);
            }
        }
        return writer.ToString();
    }
}
