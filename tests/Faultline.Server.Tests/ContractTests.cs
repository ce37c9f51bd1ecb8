using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Faultline.Testing;

namespace Faultline.Server.Tests;

/// <summary>
/// A real Prometheus with an hour of <c>http_server_request_duration_seconds</c> history (promtool backfill):
/// a healthy canary, a slow one and one with more errors, each beside its stable version.
/// </summary>
public sealed class HttpHistory : IAsyncLifetime
{
    public static readonly DateTimeOffset End = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds() / 15 * 15);

    public static readonly DateTimeOffset Begin = End.AddHours(-1);

    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var writer = new OpenMetricsWriter();
        Dictionary<string, string> App(string name) => new() { ["app"] = name };
        HttpHistogramHistory.Add(writer, Begin, End,
            new HttpHistogramHistory.Arm("stable", HttpHistogramHistory.Healthy, 1000, 5, App("healthy")),
            new("canary", HttpHistogramHistory.Healthy, 1000, 5, App("healthy")),
            new("stable", HttpHistogramHistory.Healthy, 300, 1, App("slow")),
            new("canary", HttpHistogramHistory.Slow, 300, 1, App("slow")),
            new("stable", HttpHistogramHistory.Healthy, 300, 1, App("failing")),
            new("canary", HttpHistogramHistory.Healthy, 300, 15, App("failing")));
        Server = await PrometheusServer.StartAsync(writer.ToString());
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The body of POST /api/v1/analyses for one app of the history, in the rollout's judge and metrics schema.
    /// p99 is off: the history's p99 sits on the 250 ms bucket bound and the next bound is 500 ms, so no
    /// histogram of these buckets can show p99 within 10% (the judge rightly keeps it at continue).
    /// </summary>
    public string Definition(string name, string app, Uri? url = null) => $$"""
        {
          "name": "{{name}}",
          "judge": {"alpha": 0.05, "minSamples": 1000, "errorStatuses": ["5xx"], "metrics": {"errors": {"tolerance": "0.5%"}, "latency.median": {"tolerance": "5%"}, "latency.p99": {"enabled": false} } },
          "metrics": {
            "prometheus": {
              "url": "{{(url ?? Server.Url).ToString().TrimEnd('/')}}",
              "preset": "http",
              "lag": "1s",
              "baseline": {"selector": "app=\"{{app}}\",version=\"stable\""},
              "canary": {"selector": "app=\"{{app}}\",version=\"canary\""}
            }
          }
        }
        """;
}

/// <summary>Argo Rollouts, Flagger and the analysis API against the real Prometheus, one look every five minutes of history.</summary>
public sealed class ContractTests(HttpHistory history) : IClassFixture<HttpHistory>
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    /// <summary>What Argo Rollouts' web provider sends: a GET with the template's headers (the bearer token from a secret).</summary>
    private static async Task<JsonElement> Argo(ServerHarness h, string analysis)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/analyses/{analysis}/argo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHarness.Token);
        request.Headers.UserAgent.ParseAdd("argo-rollouts/v1.7.2");
        request.Headers.Accept.ParseAdd("application/json");
        var response = await h.Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// What Flagger posts to a webhook: name, namespace, phase, checksum and the webhook's metadata, with no
    /// headers (Flagger cannot set any), so the token travels as metadata.token.
    /// </summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> Flagger(ServerHarness h, string hook, string name, string ns, string checksum, string? analysis = null)
    {
        var metadata = analysis is null
            ? $"{{\"token\": \"{ServerHarness.Token}\"}}"
            : $"{{\"token\": \"{ServerHarness.Token}\", \"analysis\": \"{analysis}\"}}";
        var payload = $$"""{"name": "{{name}}", "namespace": "{{ns}}", "phase": "Progressing", "checksum": "{{checksum}}", "metadata": {{metadata}}}""";
        var response = await h.Anonymous.PostAsync($"api/v1/flagger/{hook}", ServerHarness.Json(payload));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task Create(ServerHarness h, string body)
    {
        var response = await h.Http.PostAsync("api/v1/analyses", ServerHarness.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Argo_HealthyCanary_ContinuesThenPromotes_NeverRollsBack()
    {
        var clock = new ManualClock(HttpHistory.Begin);
        await using var h = await ServerHarness.StartAsync(clock: clock, realEngine: true);
        await Create(h, history.Definition("checkout", "healthy"));
        var verdicts = new List<string>();
        var summary = "";
        for (var i = 0; i < 12 && !verdicts.Contains("promote"); i++)
        {
            clock.Advance(Step);
            var argo = await Argo(h, "checkout");
            verdicts.Add(argo.GetProperty("verdict").GetString()!);
            summary = argo.GetProperty("summary").GetString()!;
        }
        Assert.True(verdicts[^1] == "promote", summary + "\n" + await h.Http.GetStringAsync("api/v1/analyses/checkout"));
        Assert.All(verdicts[..^1], v => Assert.Equal("continue", v));
    }

    [Fact]
    public async Task Argo_SlowCanary_RollsBack_WithTheExplanation()
    {
        var clock = new ManualClock(HttpHistory.Begin);
        await using var h = await ServerHarness.StartAsync(clock: clock, realEngine: true);
        await Create(h, history.Definition("search", "slow"));
        string verdict = "continue";
        for (var i = 0; i < 11 && verdict != "rollback"; i++)
        {
            clock.Advance(Step);
            verdict = (await Argo(h, "search")).GetProperty("verdict").GetString()!;
        }
        Assert.Equal("rollback", verdict);
        var full = JsonDocument.Parse(await h.Http.GetStringAsync("api/v1/analyses/search")).RootElement;
        Assert.Equal("infrastructure", full.GetProperty("regression").GetString());
        var median = full.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "latency.median");
        Assert.Equal("rollback", median.GetProperty("verdict").GetString());
        Assert.Contains("median latency", median.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flagger_FailingCanary_HaltsWith412_HealthyAdvancesAndConfirmsPromotion()
    {
        var clock = new ManualClock(HttpHistory.Begin);
        await using var h = await ServerHarness.StartAsync(clock: clock, realEngine: true);
        await Create(h, history.Definition("podinfo.test", "failing"));
        await Create(h, history.Definition("frontend", "healthy"));
        var (status, body) = await Flagger(h, "rollout", "podinfo", "test", "85d557f47b");
        Assert.Equal(HttpStatusCode.OK, status); // the revision's analysis starts
        for (var i = 0; i < 11 && status == HttpStatusCode.OK; i++)
        {
            clock.Advance(Step);
            (status, body) = await Flagger(h, "rollout", "podinfo", "test", "85d557f47b");
        }
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("rollback", body.GetProperty("verdict").GetString());

        clock.Advance(TimeSpan.FromSeconds(1));
        var (frontendStatus, _) = await Flagger(h, "rollout", "frontend", "web", "c0ffee", analysis: "frontend");
        Assert.Equal(HttpStatusCode.OK, frontendStatus);
        HttpStatusCode confirm = HttpStatusCode.PreconditionFailed;
        JsonElement confirmBody = default;
        for (var i = 0; i < 11 && confirm != HttpStatusCode.OK; i++)
        {
            clock.Advance(Step);
            (confirm, confirmBody) = await Flagger(h, "confirm-promotion", "frontend", "web", "c0ffee", analysis: "frontend");
        }
        Assert.Equal(HttpStatusCode.OK, confirm);
        Assert.Equal("promote", confirmBody.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Argo_PrometheusDown_HoldsWith200_AndRecovers()
    {
        var clock = new ManualClock(HttpHistory.Begin);
        await using var h = await ServerHarness.StartAsync(clock: clock, realEngine: true);
        var nowhere = new Uri($"http://127.0.0.1:{LocalService.FreePort()}/");
        await Create(h, history.Definition("cart", "healthy", nowhere));
        clock.Advance(Step);
        var argo = await Argo(h, "cart");
        Assert.Equal("hold", argo.GetProperty("verdict").GetString());
        Assert.Contains("Prometheus did not answer", argo.GetProperty("missing")[0].GetString(), StringComparison.Ordinal);
    }
}
