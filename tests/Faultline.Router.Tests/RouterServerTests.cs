using System.Net;
using System.Text;
using Faultline.Core.Canary;
using Faultline.Testing;

namespace Faultline.Router.Tests;

public sealed class RouterServerTests : IAsyncLifetime
{
    private Upstream _stable = null!;
    private Upstream _canary = null!;
    private readonly List<RouterServer> _routers = [];

    public async Task InitializeAsync()
    {
        _stable = await Upstream.StartAsync("stable");
        _canary = await Upstream.StartAsync("canary");
    }

    public async Task DisposeAsync()
    {
        foreach (var r in _routers)
        {
            await r.DisposeAsync();
        }
        await _stable.DisposeAsync();
        await _canary.DisposeAsync();
    }

    private async Task<RouterServer> Router(int weight, StickySpec? sticky = null, Uri? canary = null, TimeSpan? timeout = null, bool admin = true, bool adminSetsWeights = true, Uri[]? stable = null)
    {
        var router = await RouterServer.StartAsync(new RouterOptions
        {
            Spec = new RouterSpec
            {
                Listen = "127.0.0.1:0",
                Admin = admin ? "127.0.0.1:0" : null,
                Stable = stable ?? [_stable.Url],
                Canary = [canary ?? _canary.Url],
                Sticky = sticky ?? StickySpec.None,
                UpstreamTimeout = timeout ?? TimeSpan.FromSeconds(30),
            },
            CanaryWeight = weight,
            AdminSetsWeights = adminSetsWeights,
        });
        _routers.Add(router);
        return router;
    }

    private static HttpClient Client(RouterServer router, bool cookies = false) =>
        new(new HttpClientHandler { UseCookies = cookies, CookieContainer = new CookieContainer() }) { BaseAddress = router.ListenUrl };

    [Fact]
    public async Task Split_TwentyPercent_StaysWithinBinomialBounds()
    {
        var router = await Router(20);
        using var http = Client(router);
        var canary = 0;
        for (var i = 0; i < 2000; i++)
        {
            if (await http.GetStringAsync("/") == "canary")
            {
                canary++;
            }
        }
        // mean 400, standard deviation 17.9: five deviations either way
        Assert.InRange(canary, 310, 490);
        Assert.Equal(canary, router.Canary.Snapshot().Requests);
        Assert.Equal(2000 - canary, router.Stable.Snapshot().Requests);
    }

    [Fact]
    public async Task Split_ZeroAndHundred_AreAbsolute()
    {
        var router = await Router(0);
        using var http = Client(router);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("stable", await http.GetStringAsync("/"));
        }
        router.Split.CanaryWeight = 100;
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("canary", await http.GetStringAsync("/"));
        }
    }

    [Fact]
    public async Task StickyCookie_KeepsAUserOnOneVersion_AndOnTheCanaryAsTheWeightGrows()
    {
        var router = await Router(50, StickySpec.Cookie);
        var seen = new Dictionary<string, int>();
        for (var user = 0; user < 40; user++)
        {
            using var http = Client(router, cookies: true);
            var first = await http.GetStringAsync("/");
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(first, await http.GetStringAsync("/"));
            }
            router.Split.CanaryWeight = 90;
            if (first == "canary")
            {
                Assert.Equal("canary", await http.GetStringAsync("/"));
            }
            router.Split.CanaryWeight = 50;
            seen[first] = seen.GetValueOrDefault(first) + 1;
        }
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task StickyHeader_SameValueSameVersion()
    {
        var router = await Router(50, StickySpec.ByHeader("x-user"));
        using var http = Client(router);
        var versions = new HashSet<string>();
        for (var user = 0; user < 30; user++)
        {
            var answers = new HashSet<string>();
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Add("x-user", $"user-{user}");
                answers.Add(await (await http.SendAsync(request)).Content.ReadAsStringAsync());
            }
            Assert.Single(answers);
            versions.UnionWith(answers);
        }
        Assert.Equal(2, versions.Count);
    }

    [Fact]
    public async Task OverrideHeader_ForcesTheVersion()
    {
        var router = await Router(0);
        using var http = Client(router);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(RouterDefaults.OverrideHeader, "canary");
        var response = await http.SendAsync(request);
        Assert.Equal("canary", await response.Content.ReadAsStringAsync());
        Assert.Equal("canary", response.Headers.GetValues(RouterDefaults.OverrideHeader).Single());
        router.Split.CanaryWeight = 100;
        using var back = new HttpRequestMessage(HttpMethod.Get, "/");
        back.Headers.Add(RouterDefaults.OverrideHeader, "stable");
        Assert.Equal("stable", await (await http.SendAsync(back)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WeightChangesUnderLoad_NoRequestFails()
    {
        var router = await Router(0);
        using var http = Client(router);
        using var admin = new HttpClient { BaseAddress = router.AdminUrl };
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var total = 0;
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await http.GetAsync("/");
                Interlocked.Increment(ref total);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        foreach (var weight in new[] { 5, 25, 50, 100, 0, 50, 0 })
        {
            var put = await admin.PutAsync("/weights", new StringContent($"{{\"canary\": {weight}}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            await Task.Delay(100);
        }
        stop.Cancel();
        await Task.WhenAll(load);
        Assert.True(total > 200, $"only {total} requests");
        Assert.Equal(0, failures);
        Assert.Equal(total, router.Stable.Snapshot().Requests + router.Canary.Snapshot().Requests);
        Assert.True(router.Canary.Snapshot().Requests > 0);
    }

    [Fact]
    public async Task CanaryDown_CountsAgainstTheCanary_StableKeepsServing()
    {
        var down = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        var router = await Router(50, canary: down);
        using var http = Client(router);
        var stableOk = 0;
        var canaryFailed = 0;
        for (var i = 0; i < 200; i++)
        {
            var response = await http.GetAsync("/");
            var version = response.Headers.GetValues(RouterDefaults.OverrideHeader).Single();
            if (version == "stable")
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                stableOk++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
                canaryFailed++;
            }
        }
        var canary = router.Canary.Snapshot();
        Assert.Equal(canaryFailed, canary.Errors);
        Assert.Equal(canaryFailed, canary.Failure(UpstreamFailure.Connect));
        Assert.Equal(0, router.Stable.Snapshot().Errors);
        Assert.True(stableOk > 50 && canaryFailed > 50);
    }

    [Fact]
    public async Task StableReplicaDown_RequestsWithoutBodyGoToTheOther_AndItIsSkipped()
    {
        var down = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        var router = await Router(0, stable: [down, _stable.Url]);
        using var http = Client(router);
        for (var i = 0; i < 40; i++)
        {
            var response = await http.GetAsync($"/item/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("stable", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, router.Stable.Snapshot().Errors);
        Assert.Equal(40, router.Stable.Snapshot().Requests);
        var status = router.Status();
        Assert.Equal(down.AbsoluteUri, status["stable"]!["skipped"]!.AsArray().Single()!.GetValue<string>());
    }

    [Fact]
    public async Task StableReplicaDown_ARequestWithABodyIsNotSentTwice_ButTheReplicaIsSkippedAfterwards()
    {
        var down = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        var router = await Router(0, stable: [down, _stable.Url]);
        using var http = Client(router);
        var failed = 0;
        for (var i = 0; i < 20; i++)
        {
            var response = await http.PostAsync("/orders", new StringContent($"order {i}"));
            failed += response.StatusCode == HttpStatusCode.BadGateway ? 1 : 0;
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadGateway, response.StatusCode.ToString());
        }
        Assert.True(failed <= 1, $"{failed} POSTs failed; the refusing replica should have been skipped after the first");
        Assert.Equal(failed, router.Stable.Snapshot().Failure(UpstreamFailure.Connect));
    }

    [Fact]
    public async Task SlowUpstream_TimesOutAs504_CountedAsTimeout()
    {
        _canary.Delay = TimeSpan.FromSeconds(3);
        var router = await Router(100, timeout: TimeSpan.FromMilliseconds(300));
        using var http = Client(router);
        var response = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(1, router.Canary.Snapshot().Failure(UpstreamFailure.Timeout));
        Assert.Equal(1, router.Canary.Snapshot().Errors);
    }

    [Fact]
    public async Task BodiesAndStreams_PassThroughIntact()
    {
        var router = await Router(50);
        using var http = Client(router);
        var body = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(body);
        var echoed = await (await http.PostAsync("/echo", new ByteArrayContent(body))).Content.ReadAsByteArrayAsync();
        Assert.Equal(body, echoed);

        using var response = await http.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var started = DateTime.UtcNow;
        var n = await stream.ReadAsync(buffer);
        var firstChunkAfter = DateTime.UtcNow - started;
        Assert.Equal("first;", Encoding.UTF8.GetString(buffer, 0, n));
        Assert.True(firstChunkAfter < TimeSpan.FromMilliseconds(300), $"the first chunk took {firstChunkAfter.TotalMilliseconds} ms: the response was buffered");
        var rest = await new StreamReader(stream).ReadToEndAsync();
        Assert.Equal("second", rest);
    }

    [Fact]
    public async Task Metrics_PrometheusTextWithVersionLabels()
    {
        var router = await Router(100);
        using var http = Client(router);
        for (var i = 0; i < 7; i++)
        {
            await http.GetStringAsync("/");
        }
        var text = await http.GetStringAsync(RouterDefaults.MetricsPath);
        Assert.Contains("faultline_router_requests_total{version=\"canary\",status_class=\"2xx\"} 7", text);
        Assert.Contains("faultline_router_requests_total{version=\"stable\",status_class=\"2xx\"} 0", text);
        Assert.Contains("faultline_router_request_duration_seconds_count{version=\"canary\"} 7", text);
        Assert.Contains("faultline_router_request_duration_seconds_bucket{version=\"canary\",le=\"+Inf\"} 7", text);
        Assert.Contains("faultline_router_canary_weight 100", text);
    }

    [Fact]
    public async Task Metrics_CountTheRoutersOwnGarbageCollections()
    {
        var router = await Router(100);
        using var http = Client(router);
        static long[] Counts(string text) => text.Split('\n')
            .Where(l => l.StartsWith("faultline_router_gc_collections_total{generation=", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var before = Counts(await http.GetStringAsync(RouterDefaults.MetricsPath));
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var allBefore = GC.CollectionCount(0);
        var text = await http.GetStringAsync(RouterDefaults.MetricsPath);
        var allAfter = GC.CollectionCount(0);
        var after = Counts(text);
        Assert.Equal(3, after.Length);
        Assert.True(after[2] > before[2], $"gen2 collections did not grow: {before[2]} -> {after[2]}");
        // Every collection counts once, under the oldest generation it collected: the three add up to all of them.
        Assert.InRange(after.Sum(), allBefore, allAfter);
        Assert.Matches(@"(?m)^faultline_router_gc_pause_seconds_total \d+(\.\d+)?$", text);
        Assert.Contains("# TYPE faultline_router_gc_pause_seconds_total counter", text);
    }

    [Fact]
    public async Task Admin_WeightsStatusAndMistakes()
    {
        var router = await Router(10);
        using var admin = new HttpClient { BaseAddress = router.AdminUrl };
        Assert.Equal("{\"stable\":90,\"canary\":10}", await admin.GetStringAsync("/weights"));
        var bad = await admin.PutAsync("/weights", new StringContent("{\"canary\": 140}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("0 to 100", await bad.Content.ReadAsStringAsync());
        var notJson = await admin.PutAsync("/weights", new StringContent("canary=5"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        var ok = await admin.PutAsync("/weights", new StringContent("{\"stable\": 75}"));
        Assert.Equal("{\"stable\":75,\"canary\":25}", await ok.Content.ReadAsStringAsync());
        var status = await admin.GetStringAsync("/status");
        Assert.Contains("\"weights\":{\"stable\":75,\"canary\":25}", status);
        Assert.Equal(25, router.Split.CanaryWeight);

        var locked = await Router(10, adminSetsWeights: false);
        using var lockedAdmin = new HttpClient { BaseAddress = locked.AdminUrl };
        Assert.Equal(HttpStatusCode.Conflict, (await lockedAdmin.PutAsync("/weights", new StringContent("{\"canary\": 50}"))).StatusCode);
    }

    [Fact]
    public async Task Listen_PortInUse_FailsWithTheAddress()
    {
        var router = await Router(0, admin: false);
        var e = await Assert.ThrowsAsync<RouterException>(() => RouterServer.StartAsync(new RouterOptions
        {
            Spec = new RouterSpec { Listen = $"127.0.0.1:{router.ListenUrl.Port}", Stable = [_stable.Url], Canary = [_canary.Url] },
        }));
        Assert.Contains(router.ListenUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }
}
