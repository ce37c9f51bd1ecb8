using Faultline.Core.Judge;
using Faultline.Integrations.Prometheus;
using Faultline.Sources.Canary;
using Faultline.Testing;

namespace Faultline.Integrations.Tests.Prometheus;

/// <summary>A real Prometheus with an hour of HTTP histogram history for three services: healthy, slow and failing canaries.</summary>
public sealed class CanaryHistory : IAsyncLifetime
{
    public static readonly DateTimeOffset End = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds() / 15 * 15);

    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var writer = new OpenMetricsWriter();
        var start = End.AddHours(-1);
        Dictionary<string, string> App(string name) => new() { ["app"] = name };
        HttpHistogramHistory.Add(writer, start, End,
            new HttpHistogramHistory.Arm("stable", HttpHistogramHistory.Healthy, 1000, 5, App("healthy")),
            new("canary", HttpHistogramHistory.Healthy, 1000, 5, App("healthy")),
            new("stable", HttpHistogramHistory.Healthy, 200, 1, App("slow")),
            new("canary", HttpHistogramHistory.Slow, 200, 1, App("slow")),
            new("stable", HttpHistogramHistory.Healthy, 200, 1, App("failing")),
            new("canary", HttpHistogramHistory.Healthy, 200, 10, App("failing")));
        Server = await PrometheusServer.StartAsync(writer.ToString());
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PrometheusArmSourceTests(CanaryHistory history) : IClassFixture<CanaryHistory>
{
    private static readonly HttpClient Http = new();

    private PrometheusArmSource Source(string app, Uri? url = null) => new(new PrometheusClient(Http, url ?? history.Server.Url), new()
    {
        Url = url ?? history.Server.Url,
        Baseline = CanarySpecReader.Preset("http", $"app=\"{app}\",version=\"stable\""),
        Canary = CanarySpecReader.Preset("http", $"app=\"{app}\",version=\"canary\""),
    });

    private static async Task<JudgeResult> Judge(PrometheusArmSource source, int looks = 6)
    {
        var judge = new CanaryJudge(new JudgeSettings());
        JudgeResult result = judge.Result();
        for (var i = looks; i > 0; i--)
        {
            var to = CanaryHistory.End.AddMinutes(-5 * (i - 1));
            var look = await source.ReadAsync(to.AddMinutes(-5), to);
            result = judge.Look(look.Baseline, look.Canary).Holding(look.Missing);
        }
        return result;
    }

    [Fact]
    public async Task ReadAsync_FiveMinutes_CountsRequestsErrorsAndBuckets()
    {
        var look = await Source("healthy").ReadAsync(CanaryHistory.End.AddMinutes(-5), CanaryHistory.End);
        Assert.Empty(look.Missing);
        var baseline = look.Baseline.Aggregate!;
        Assert.InRange(baseline.Requests, 19000, 21000);
        Assert.InRange(baseline.Errors, 90, 110);
        Assert.Equal(baseline.Requests, baseline.Latency!.Total);
        Assert.Equal(25, baseline.Latency.UpperBounds[2]);
        Assert.True(double.IsPositiveInfinity(baseline.Latency.UpperBounds[^1]));
    }

    [Fact]
    public async Task Judge_HealthyCanary_Promotes()
    {
        var r = await Judge(Source("healthy"), looks: 12);
        Assert.True(r.Verdict == Verdict.Promote, r.Summary + string.Join("\n", r.Metrics.Select(m => m.Name + " " + m.Verdict + " " + m.Reason)));
    }

    [Fact]
    public async Task Judge_SlowCanary_RollsBackOnLatency()
    {
        var result = await Judge(Source("slow"));
        Assert.Equal(Verdict.Rollback, result.Verdict);
        Assert.Contains(result.Metrics, m => m.Name.StartsWith("latency", StringComparison.Ordinal) && m.Verdict == Verdict.Rollback);
    }

    [Fact]
    public async Task Judge_FailingCanary_RollsBackOnErrors()
    {
        var result = await Judge(Source("failing"));
        Assert.Equal(Verdict.Rollback, result.Verdict);
        Assert.Equal(Verdict.Rollback, result.Metrics.Single(m => m.Name == "errors").Verdict);
    }

    [Fact]
    public async Task Judge_SeriesThatDoNotExist_HoldsWithTheQuery()
    {
        var result = await Judge(Source("no-such-app"), looks: 2);
        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Contains(result.Missing, m => m.Contains("no baseline series", StringComparison.Ordinal) && m.Contains("no-such-app", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Judge_PrometheusNotAnswering_HoldsNeverPromotes()
    {
        var down = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        var result = await Judge(Source("healthy", down), looks: 3);
        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Contains(result.Missing, m => m.Contains("Prometheus did not answer", StringComparison.Ordinal));
    }
}
