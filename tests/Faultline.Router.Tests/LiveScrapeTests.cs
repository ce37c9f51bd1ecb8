using Faultline.Core.Canary;
using Faultline.Integrations.Prometheus;
using Faultline.Testing;

namespace Faultline.Router.Tests;

public sealed class LiveScrapeTests
{
    [Fact]
    public async Task Prometheus_ScrapesTheRouter_SeesBothVersions()
    {
        await using var stable = await Upstream.StartAsync("stable");
        await using var canary = await Upstream.StartAsync("canary");
        await using var router = await RouterServer.StartAsync(new RouterOptions
        {
            Spec = new RouterSpec { Listen = "127.0.0.1:0", Stable = [stable.Url], Canary = [canary.Url] },
            CanaryWeight = 30,
        });
        using var prometheus = await PrometheusServer.StartAsync(scrapeTargets: [$"127.0.0.1:{router.ListenUrl.Port}"], metricsPath: RouterDefaults.MetricsPath);
        using var http = new HttpClient { BaseAddress = router.ListenUrl };
        for (var i = 0; i < 300; i++)
        {
            await http.GetStringAsync("/");
        }
        var client = new PrometheusClient(new HttpClient(), prometheus.Url);
        IReadOnlyList<PromSample> samples = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            samples = await client.QueryAsync("sum by (version) (faultline_router_requests_total)");
            if (samples.Count == 2 && samples.Sum(s => s.Value) >= 300)
            {
                break;
            }
            await Task.Delay(200);
        }
        var counts = samples.ToDictionary(s => s.Labels["version"], s => s.Value);
        Assert.Equal(300, counts["stable"] + counts["canary"]);
        Assert.Equal(router.Canary.Snapshot().Requests, counts["canary"]);
        var weight = await client.QueryAsync("faultline_router_canary_weight");
        Assert.Equal(30, Assert.Single(weight).Value);
        var buckets = await client.QueryAsync("sum by (le) (faultline_router_request_duration_seconds_bucket{version=\"canary\"})");
        Assert.Equal(15, buckets.Count);
    }
}
