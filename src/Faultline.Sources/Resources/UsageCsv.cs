using System.Globalization;
using Faultline.Core.Documents;
using Faultline.Core.Resources;
using Faultline.Sources.Judge;

namespace Faultline.Sources.Resources;

/// <summary>
/// Reads a load test's usage samples: a header line with timestamp, container, cpu_cores and memory_bytes (and
/// optionally namespace, workload and pod), then one sample per line. Timestamps are RFC 3339 or Unix seconds.
/// Every problem is reported with file:line; reading goes on so that one run lists them all.
/// </summary>
public static class UsageCsv
{
    public static readonly string[] Required = ["timestamp", "container", "cpu_cores", "memory_bytes"];
    public static IReadOnlyList<ContainerUsage> Parse(string text, string file, List<InputDiagnostic> diagnostics)
    {
        var csv = new CsvLines(text, file, diagnostics);
        if (csv.Header($"the file is empty; expected a header line: {string.Join(",", Required)}")?.Select(h => h.ToLowerInvariant()).ToList() is not { } header)
        {
            return [];
        }
        foreach (var name in Required.Where(r => !header.Contains(r)))
        {
            csv.Error(csv.HeaderLine, $"missing column '{name}' (the header has: {string.Join(", ", header)})");
        }
        if (csv.Errors > 0)
        {
            return [];
        }
        int Col(string name) => header.IndexOf(name);
        var (time, container, cpu, memory, ns, workload, pod) =
            (Col("timestamp"), Col("container"), Col("cpu_cores"), Col("memory_bytes"), Col("namespace"), Col("workload"), Col("pod"));
        var byKey = new Dictionary<ContainerKey, (List<UsagePoint> Cpu, List<UsagePoint> Memory)>();
        foreach (var (line, fields) in csv.Rows(header.Count))
        {
            var ok = true;
            var timeText = fields[time].Trim();
            DateTimeOffset at = default;
            if (RequestCsv.ParseTimestamp(timeText) is { } seconds)
            {
                at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            }
            else
            {
                csv.Error(line, $"timestamp '{timeText}' is neither RFC 3339 (2026-01-31T12:00:00Z) nor Unix seconds");
                ok = false;
            }
            var name = fields[container].Trim();
            if (name.Length == 0)
            {
                csv.Error(line, "container is empty");
                ok = false;
            }
            double? Number(int index, string column)
            {
                var t = fields[index].Trim();
                if (t.Length == 0)
                {
                    return null;
                }
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0)
                {
                    return v;
                }
                csv.Error(line, $"{column} '{t}' is not a non-negative number");
                ok = false;
                return null;
            }
            var cores = Number(cpu, "cpu_cores");
            var bytes = Number(memory, "memory_bytes");
            if (!ok)
            {
                continue;
            }
            string? Optional(int index) => index >= 0 && fields[index].Trim() is { Length: > 0 } v ? v : null;
            var key = new ContainerKey(Optional(ns), Optional(workload), name);
            if (!byKey.TryGetValue(key, out var series))
            {
                series = ([], []);
                byKey[key] = series;
            }
            var instance = Optional(pod) ?? "";
            if (cores is { } c)
            {
                series.Cpu.Add(new UsagePoint(at, c, instance));
            }
            if (bytes is { } b)
            {
                series.Memory.Add(new UsagePoint(at, b, instance));
            }
        }
        if (byKey.Count == 0 && csv.Errors == 0)
        {
            csv.Error(csv.HeaderLine, "the file has a header but no samples");
        }
        csv.Finish();
        return byKey.Select(kv => new ContainerUsage(kv.Key, kv.Value.Cpu, kv.Value.Memory, [])).ToList();
    }
}
