using Faultline.Integrations.Prometheus;
using Faultline.Testing;

namespace Faultline.Integrations.Tests.Prometheus;

/// <summary>One real Prometheus for the client tests, with an hour of backfilled counter history.</summary>
public sealed class BackfilledPrometheus : IAsyncLifetime
{
    public static readonly DateTimeOffset End = DateTimeOffset.UtcNow.AddMinutes(-5);

    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var writer = new OpenMetricsWriter();
        var start = End.AddHours(-1).ToUnixTimeSeconds();
        foreach (var version in new[] { "stable", "canary" })
        {
            for (var i = 0; i <= 240; i++)
            {
                // 10 requests per second on stable, 2 on canary, one sample every 15 s
                var perSecond = version == "stable" ? 10 : 2;
                writer.Add("demo_requests", "counter", "demo_requests_total", new Dictionary<string, string> { ["version"] = version }, start + (i * 15), perSecond * 15.0 * i);
            }
        }
        Server = await PrometheusServer.StartAsync(writer.ToString());
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PrometheusClientTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly HttpClient Http = new();

    private PrometheusClient Client => new(Http, prometheus.Server.Url);

    [Fact]
    public async Task Query_BackfilledCounter_GivesRatePerVersion()
    {
        var samples = await Client.QueryAsync("sum by (version) (rate(demo_requests_total[5m]))", BackfilledPrometheus.End);
        var rates = samples.ToDictionary(s => s.Labels["version"], s => s.Value);
        Assert.Equal(10, rates["stable"], 3);
        Assert.Equal(2, rates["canary"], 3);
    }

    [Fact]
    public async Task QueryRange_GivesPointsInOrder()
    {
        var series = await Client.QueryRangeAsync("sum(demo_requests_total)", BackfilledPrometheus.End.AddMinutes(-10), BackfilledPrometheus.End, TimeSpan.FromMinutes(1));
        var points = Assert.Single(series).Points;
        Assert.Equal(11, points.Count);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp && p.First.Value <= p.Second.Value));
    }

    [Fact]
    public async Task Query_MissingSeries_GivesNoSamples()
    {
        Assert.Empty(await Client.QueryAsync("rate(no_such_metric_total[5m])", BackfilledPrometheus.End));
    }

    [Fact]
    public async Task Query_Malformed_IsBadQueryWithTheMessage()
    {
        var e = await Assert.ThrowsAsync<PrometheusException>(() => Client.QueryAsync("sum(rate(demo_requests_total[5m]"));
        Assert.Equal(PrometheusFailure.BadQuery, e.Failure);
        Assert.Contains("bad_data", e.Message);
    }

    [Fact]
    public async Task Query_NothingListening_IsUnreachable()
    {
        var client = new PrometheusClient(Http, new Uri($"http://127.0.0.1:{LocalService.FreePort()}/"));
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up"));
        Assert.Equal(PrometheusFailure.Unreachable, e.Failure);
        Assert.False(await client.ReadyAsync());
        Assert.True(await Client.ReadyAsync());
    }
}
