using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Faultline.Bench.Serve;
using Faultline.Server.Hosting;
using Faultline.Testing;

// Looks per second of `faultline serve` on one analysis and on 100 analyses at once, on SQLite and on
// PostgreSQL, against a local Prometheus with six hours of backfilled HTTP histograms. Every request is a full
// look: lock the stream, query Prometheus (requests, errors and buckets of both arms), store the look, judge.
var looksOne = Arg(args, "--looks", 300);
var analyses = Arg(args, "--analyses", 100);
var looksEach = Arg(args, "--looks-each", 10);
var invariant = CultureInfo.InvariantCulture;

var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds() / 15 * 15);
var begin = end.AddHours(-6);
var writer = new OpenMetricsWriter();
HttpHistogramHistory.Add(writer, begin, end,
    new HttpHistogramHistory.Arm("stable", HttpHistogramHistory.Healthy, 1000, 5, new Dictionary<string, string> { ["app"] = "bench" }),
    new("canary", HttpHistogramHistory.Healthy, 1000, 5, new Dictionary<string, string> { ["app"] = "bench" }));
Console.Error.WriteLine("starting Prometheus (6 h of history) and PostgreSQL ...");
using var prometheus = await PrometheusServer.StartAsync(writer.ToString());
using var postgres = await PostgresServer.StartAsync();
var folder = Directory.CreateTempSubdirectory("faultline-bench-serve-").FullName;
var tokens = Path.Combine(folder, "tokens");
await File.WriteAllTextAsync(tokens, "bench-token\n");

var rows = new List<string[]>();
foreach (var (storeName, store) in new[] { ("SQLite", $"sqlite:{Path.Combine(folder, "state.db")}"), ("PostgreSQL", $"postgres:{postgres.CreateDatabase("bench")}") })
{
    // Every reading of the clock moves it one second on, so each look covers a fresh window of history.
    var clock = new SteppingClock(begin, TimeSpan.FromSeconds(1));
    await using var server = await FaultlineServer.StartAsync(new ServeOptions
    {
        Listen = "127.0.0.1:0",
        Store = store,
        TokenFiles = [tokens],
        Clock = clock,
        Logging = l => { },
    });
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bench-token");
    for (var i = 0; i < analyses; i++)
    {
        var body = Definition($"bench-{i}", prometheus.Url);
        using var response = await http.PostAsync("api/v1/analyses", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
    // Warm-up: JIT, connection pools.
    for (var i = 0; i < 20; i++)
    {
        await Look(http, "bench-0");
    }
    var one = await Measure(1, looksOne, http);
    rows.Add([storeName, "1 analysis, sequential", one.Looks.ToString(invariant), one.PerSecond.ToString("0", invariant), one.P50.ToString("0.0", invariant), one.P99.ToString("0.0", invariant)]);
    var many = await Measure(analyses, looksEach, http);
    rows.Add([storeName, $"{analyses} analyses, concurrent", many.Looks.ToString(invariant), many.PerSecond.ToString("0", invariant), many.P50.ToString("0.0", invariant), many.P99.ToString("0.0", invariant)]);
}

var header = new[] { "store", "scenario", "looks", "looks/s", "p50 ms", "p99 ms" };
var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
Console.WriteLine("| " + string.Join(" | ", header.Select((h, c) => h.PadRight(widths[c]))) + " |");
Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
foreach (var row in rows)
{
    Console.WriteLine("| " + string.Join(" | ", row.Select((v, c) => v.PadRight(widths[c]))) + " |");
}
Console.WriteLine($"\n{Environment.ProcessorCount} cores; one look = stream lock + 6 Prometheus queries + append + judge; Prometheus, PostgreSQL and the server share the machine.");
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);
return 0;

static async Task<(int Looks, double PerSecond, double P50, double P99)> Measure(int analyses, int looksEach, HttpClient http)
{
    var latencies = new List<double>();
    var watch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, analyses).Select(async a =>
    {
        var mine = new List<double>(looksEach);
        for (var i = 0; i < looksEach; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Look(http, $"bench-{a}");
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        lock (latencies)
        {
            latencies.AddRange(mine);
        }
    });
    await Task.WhenAll(workers);
    var seconds = watch.Elapsed.TotalSeconds;
    latencies.Sort();
    double Quantile(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    return (latencies.Count, latencies.Count / seconds, Quantile(0.5), Quantile(0.99));
}

static async Task Look(HttpClient http, string analysis)
{
    using var response = await http.GetAsync($"api/v1/analyses/{analysis}/argo");
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode || !text.Contains("\"verdict\"", StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"{analysis}: {(int)response.StatusCode} {text}");
    }
}

static string Definition(string name, Uri prometheus) => $$"""
    {"name": "{{name}}", "judge": {"minSamples": 1000},
     "metrics": {"prometheus": {"url": "{{prometheus.ToString().TrimEnd('/')}}", "preset": "http", "lag": "1s",
       "baseline": {"selector": "app=\"bench\",version=\"stable\""}, "canary": {"selector": "app=\"bench\",version=\"canary\""} } } }
    """;

static int Arg(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

namespace Faultline.Bench.Serve
{
    /// <summary>A clock that moves on by a fixed step every time it is read, so back-to-back looks see new data.</summary>
    internal sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private long _reads;

        public override DateTimeOffset GetUtcNow() => start + (step * Interlocked.Increment(ref _reads));
    }
}
