using Faultline.Cli.Canary;
using Faultline.Core.Canary;
using Faultline.Integrations.Storage;
using Faultline.Sources.Canary;
using Faultline.Testing;

namespace Faultline.Cli.Tests.Canary;

/// <summary>
/// A real Prometheus with HTTP histogram history around now (a sample every half second from two minutes ago
/// to ten minutes ahead), so a rollout reading it live sees data at every look: a healthy, a slow and a
/// failing canary.
/// </summary>
public sealed class LiveHistory : IAsyncLifetime
{
    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var writer = new OpenMetricsWriter();
        var now = DateTimeOffset.UtcNow;
        Dictionary<string, string> App(string name) => new() { ["app"] = name };
        HttpHistogramHistory.Add(writer, now.AddMinutes(-2), now.AddMinutes(10), 0.5,
            new("stable", HttpHistogramHistory.Healthy, 5000, 5, App("healthy")),
            new("canary", HttpHistogramHistory.Healthy, 5000, 5, App("healthy")),
            new("stable", HttpHistogramHistory.Healthy, 100, 0, App("slow")),
            new("canary", HttpHistogramHistory.Slow, 100, 0, App("slow")));
        Server = await PrometheusServer.StartAsync(writer.ToString());
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PrometheusRolloutTests(LiveHistory history) : IClassFixture<LiveHistory>
{
    private static readonly HttpClient Http = new();

    private RolloutSpec Spec(string app, Uri? prometheus = null) => Spec(prometheus ?? history.Server.Url, app);

    internal static RolloutSpec Spec(Uri url, string app)
    {
        return new RolloutSpec
        {
            Name = app,
            File = "rollout.yaml",
            Router = new RouterSpec { Listen = "127.0.0.1:0", Stable = [new Uri("http://127.0.0.1:9/")], Canary = [new Uri("http://127.0.0.1:9/")] },
            Steps = [new RolloutStep(50, 1000, TimeSpan.FromSeconds(30))],
            // Histogram buckets this coarse (100 to 250 ms around the p95) need far more requests to
            // bound a p99 within 10%; a rollout on such a histogram judges the median and p95.
            Judge = new Faultline.Core.Judge.JudgeSettings { Metrics = Faultline.Core.Judge.JudgeSettings.InfrastructureDefaults().Where(m => m.Name != "latency.p99").ToList() },
            Metrics = new MetricsSpec(new PrometheusMetricsSpec
            {
                Url = url,
                Baseline = CanarySpecReader.Preset("http", $"app=\"{app}\",version=\"stable\""),
                Canary = CanarySpecReader.Preset("http", $"app=\"{app}\",version=\"canary\""),
                Lag = TimeSpan.FromSeconds(1),
            }),
            Interval = TimeSpan.FromSeconds(2),
        };
    }

    private static async Task<(RolloutOutcome Outcome, RecordingReporter Reporter)> Run(RolloutSpec spec)
    {
        await using var store = new MemoryEventStore();
        var reporter = new RecordingReporter();
        var runner = new RolloutRunner(spec, store, reporter, TimeProvider.System, Http);
        return (await runner.RunAsync(CancellationToken.None), reporter);
    }

    [Fact]
    public async Task HealthyCanaryOnPrometheus_Completes()
    {
        var (outcome, reporter) = await Run(Spec("healthy"));
        Assert.True(outcome == RolloutOutcome.Completed, string.Join("\n", reporter.Looks.Select(l => l.Summary + " " + string.Join("; ", l.Metrics.Select(m => m.Name + " " + m.Reason)))));
        Assert.All(reporter.Looks, l => Assert.Empty(l.Missing));
    }

    [Fact]
    public async Task SlowCanaryOnPrometheus_RollsBack()
    {
        var (outcome, reporter) = await Run(Spec("slow"));
        Assert.Equal(RolloutOutcome.RolledBack, outcome);
        Assert.Contains(reporter.Looks[^1].Metrics, m => m.Name == "latency.median" && m.Verdict == Faultline.Core.Judge.Verdict.Rollback);
    }

    [Fact]
    public async Task PrometheusNotAnswering_HoldsThenPauses_NeverPromotes()
    {
        var down = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        var (outcome, reporter) = await Run(Spec("healthy", down));
        Assert.Equal(RolloutOutcome.Paused, outcome);
        Assert.All(reporter.Looks, l => Assert.Equal(Faultline.Core.Judge.Verdict.Hold, l.Verdict));
        Assert.Equal(RolloutPolicy.HoldLooks, reporter.Looks.Count);
        Assert.Contains("Prometheus did not answer", reporter.Decisions.Single().Summary);
    }
}

/// <summary>Prometheus stopped in the middle of a rollout: the looks after it hold, and the rollout pauses.</summary>
public sealed class PrometheusStoppedTests
{
    [Fact]
    public async Task PrometheusStoppedMidRollout_Holds_AndPauses()
    {
        var history = new LiveHistory();
        await history.InitializeAsync();
        var slow = PrometheusRolloutTests.Spec(history.Server.Url, "healthy") with { Steps = [new RolloutStep(50, 10_000_000, TimeSpan.FromMinutes(5))] };
        await using var store = new MemoryEventStore();
        var reporter = new RecordingReporter();
        using var http = new HttpClient();
        var run = new RolloutRunner(slow, store, reporter, TimeProvider.System, http).RunAsync(CancellationToken.None);
        while (reporter.Looks.Count < 2)
        {
            await Task.Delay(100);
        }
        history.Server.Stop();
        var outcome = await run;
        await history.DisposeAsync();
        Assert.Equal(RolloutOutcome.Paused, outcome);
        Assert.NotEqual(Faultline.Core.Judge.Verdict.Hold, reporter.Looks[0].Verdict);
        Assert.Equal(Faultline.Core.Judge.Verdict.Hold, reporter.Looks[^1].Verdict);
        Assert.Contains(reporter.Looks[^1].Missing, m => m.Contains("Prometheus did not answer", StringComparison.Ordinal));
    }
}
