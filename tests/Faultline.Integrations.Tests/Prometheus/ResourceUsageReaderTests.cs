using System.Diagnostics;
using Faultline.Core.Resources;
using Faultline.Integrations.Prometheus;
using Faultline.Testing;
using Xunit.Abstractions;

namespace Faultline.Integrations.Tests.Prometheus;

/// <summary>A real Prometheus with three days of cAdvisor-shaped history (see <see cref="CadvisorHistory"/>).</summary>
public sealed class CadvisorPrometheus : IAsyncLifetime
{
    public static readonly DateTimeOffset End = DateTimeOffset.UtcNow.AddMinutes(-2);

    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PrometheusServer.StartAsync(CadvisorHistory.OpenMetrics(End));

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ResourceUsageReaderTests(CadvisorPrometheus prometheus, ITestOutputHelper output) : IClassFixture<CadvisorPrometheus>
{
    private static readonly HttpClient Http = new();

    private ResourceUsageReader Reader => new(new PrometheusClient(Http, prometheus.Server.Url, TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task Read_14Days_GroupsByWorkloadAndSkipsPodAndPauseSeries()
    {
        var watch = Stopwatch.StartNew();
        var result = await Reader.ReadAsync("shop", CadvisorPrometheus.End.AddDays(-14), CadvisorPrometheus.End);
        output.WriteLine($"14d window: {result.Queries} queries, step {result.Step.TotalSeconds} s, {watch.ElapsedMilliseconds} ms");

        Assert.Equal(TimeSpan.FromMinutes(5), result.Step);
        Assert.Equal(14 * 4, result.Queries);
        Assert.True(result.OomMetricsFound);
        Assert.Equal(
            ["shop/cache/redis", "shop/checkout/app", "shop/nightly-report/report", "shop/search/search"],
            result.Containers.Select(c => c.Key.ToString()).Order());
        var checkout = result.Containers.Single(c => c.Key.Workload == "checkout");
        // Three days at a 5-minute step, give or take the ends.
        Assert.InRange(checkout.Cpu.Count, 860, 866);
        Assert.All(checkout.Cpu, p => Assert.InRange(p.Value, 0.17, 0.23));
        Assert.Equal("checkout-7d4b9c8f6-x2x4z", checkout.Cpu[0].Instance);
    }

    [Fact]
    public async Task Read_OomEvents_AreOnePerKill()
    {
        var result = await Reader.ReadAsync("shop", CadvisorPrometheus.End.AddDays(-4), CadvisorPrometheus.End, TimeSpan.FromMinutes(1));

        var cache = result.Containers.Single(c => c.Key.Workload == "cache");
        // Kills every 12 hours of the 72, the last one in the last minute.
        Assert.Equal(6, cache.OomKills.Count);
        Assert.Empty(result.Containers.Single(c => c.Key.Workload == "checkout").OomKills);
        // max_over_time keeps the peak of every step: 512 MiB right before each kill.
        Assert.Equal(512 * CadvisorHistory.Mi, cache.Memory.Max(p => p.Value), 0);
    }

    [Fact]
    public async Task Read_KubeStateMetricsOomKills_CountEachRestartAfterOne()
    {
        var result = await Reader.ReadAsync("batch", CadvisorPrometheus.End.AddDays(-4), CadvisorPrometheus.End);

        var importer = Assert.Single(result.Containers);
        Assert.Equal("batch/importer/importer", importer.Key.ToString());
        Assert.Equal(3, importer.OomKills.Count);
        var apart = importer.OomKills[1].Time - importer.OomKills[0].Time;
        Assert.InRange(apart, TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5), TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Recommend_FromBackfilledHistory_SteadySpikyOomAndShort()
    {
        var watch = Stopwatch.StartNew();
        var result = await Reader.ReadAsync("shop", CadvisorPrometheus.End.AddDays(-3).AddHours(-1), CadvisorPrometheus.End, TimeSpan.FromMinutes(1));
        var read = watch.ElapsedMilliseconds;
        var recs = ResourceRecommender.Recommend(result.Containers, new RecommendOptions()).ToDictionary(r => r.Key.Workload!);
        var vpa = ResourceRecommender.Recommend(result.Containers, new RecommendOptions { Strategy = RecommendStrategy.Vpa }).ToDictionary(r => r.Key.Workload!);
        foreach (var (name, r) in recs)
        {
            output.WriteLine($"{name}: simple cpu {r.Cpu.RequestText ?? r.Cpu.Refusal} memory {r.Memory.RequestText}/{r.Memory.LimitText}; vpa cpu {vpa[name].Cpu.RequestText} memory {vpa[name].Memory.RequestText}/{vpa[name].Memory.LimitText}");
        }
        output.WriteLine($"3d window at 1 min: {result.Queries} queries in {read} ms");

        // rate() over 5 minutes averages the noise of 0.18..0.22 cores: its p95 is about 0.21.
        Assert.InRange(recs["checkout"].Cpu.Request!.Value, 0.205m, 0.225m);
        Assert.Equal("352Mi", recs["checkout"].Memory.RequestText);
        Assert.Equal("1200m", recs["search"].Cpu.RequestText);
        Assert.Equal("520Mi", recs["search"].Memory.LimitText);
        Assert.Equal("736Mi", recs["cache"].Memory.RequestText);
        Assert.Equal(6, recs["cache"].Memory.OomKills);
        Assert.False(recs["nightly-report"].IsRecommended);
        Assert.Contains("too little history: 1 h of CPU samples", recs["nightly-report"].Cpu.Refusal);
        Assert.InRange(recs["checkout"].Cpu.History.CoveredHours, 71.9, 72.1);
        // The VPA's p90 of the daily memory peaks of cache includes the OOM bumps: max(512 + 100, 512 x 1.2) MiB.
        Assert.True(vpa["cache"].Memory.Request > 612m * 1024 * 1024 * 1.15m, vpa["cache"].Memory.RequestText);
    }

    [Fact]
    public async Task Read_Unreachable_IsAPrometheusFailure()
    {
        var reader = new ResourceUsageReader(new PrometheusClient(Http, new Uri($"http://127.0.0.1:{LocalService.FreePort()}/")));

        var e = await Assert.ThrowsAsync<PrometheusException>(() => reader.ReadAsync(null, CadvisorPrometheus.End.AddHours(-3), CadvisorPrometheus.End));

        Assert.Equal(PrometheusFailure.Unreachable, e.Failure);
    }

    [Theory]
    [InlineData("checkout-7d4b9c8f6-x2x4z", "checkout")]
    [InlineData("web-app-5b8d7c9f4d-q2w4r", "web-app")]
    [InlineData("nightly-report-29123456-x4z9p", "nightly-report")]
    [InlineData("node-exporter-b7k2x", "node-exporter")]
    [InlineData("postgres-12", "postgres")]
    [InlineData("standalone", "standalone")]
    public void WorkloadOf_StripsHashesAndOrdinals(string pod, string workload) =>
        Assert.Equal(workload, ResourceUsageReader.WorkloadOf(pod));

    [Fact]
    public void Chunks_14Days_AreDaysWithinThePointLimit()
    {
        var end = DateTimeOffset.UnixEpoch.AddDays(100);
        var step = ResourceUsageReader.StepFor(TimeSpan.FromDays(14));

        var chunks = ResourceUsageReader.Chunks(end.AddDays(-14), end, step);

        Assert.Equal(TimeSpan.FromMinutes(5), step);
        Assert.Equal(14, chunks.Count);
        Assert.All(chunks, c => Assert.True((c.End - c.Start) / step < ResourceUsageReader.MaxPointsPerSeries));
        Assert.All(chunks.Zip(chunks.Skip(1)), p => Assert.Equal(p.First.End + step, p.Second.Start));
        Assert.Equal(end, chunks[^1].End);
        Assert.Equal(TimeSpan.FromMinutes(1), ResourceUsageReader.StepFor(TimeSpan.FromHours(12)));
    }
}
