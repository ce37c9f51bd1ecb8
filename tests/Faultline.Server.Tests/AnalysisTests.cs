using System.Net;
using System.Text.Json;
using Faultline.Integrations.Storage;

namespace Faultline.Server.Tests;

/// <summary>Analyses over real HTTP with a fake metric source: creation, looks, Argo and Flagger answers, restarts.</summary>
public sealed class AnalysisTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private static string Definition(string name, bool slow = false, double errors = 0.005, string? missing = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = name,
            ["fake"] = new Dictionary<string, object?> { ["canarySlowdown"] = slow, ["canaryErrors"] = errors, ["missing"] = missing },
        });

    private static async Task<JsonElement> Get(HttpClient http, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient http, string path, string body)
    {
        var response = await http.PostAsync(path, ServerHarness.Json(body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Create_ThenAgain_IsCreatedThenUnchanged_AndBadInputIs400()
    {
        var clock = new ManualClock(Start);
        await using var h = await ServerHarness.StartAsync(clock: clock);
        var (status, body) = await Post(h.Http, "api/v1/analyses", Definition("checkout"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, body.GetProperty("generation").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Post(h.Http, "api/v1/analyses", Definition("checkout"))).Status);
        var (again, changed) = await Post(h.Http, "api/v1/analyses", Definition("checkout", slow: true));
        Assert.Equal(HttpStatusCode.Created, again);
        Assert.Equal(2, changed.GetProperty("generation").GetInt32());

        var (bad, problem) = await Post(h.Http, "api/v1/analyses", "{\"name\": \"x\"}");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("fake: missing", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        var (badName, nameProblem) = await Post(h.Http, "api/v1/analyses", Definition("../etc"));
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Contains("analysis name", nameProblem.GetProperty("error").GetString(), StringComparison.Ordinal);
        var list = await Get(h.Http, "api/v1/analyses");
        Assert.Equal("checkout", list.GetProperty("analyses")[0].GetProperty("name").GetString());
        await Get(h.Http, "api/v1/analyses/nothing/argo", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Looks_HealthyCanary_ContinueThenPromote_EachLookStoredFirst()
    {
        var clock = new ManualClock(Start);
        await using var h = await ServerHarness.StartAsync(clock: clock);
        await Post(h.Http, "api/v1/analyses", Definition("checkout"));
        var first = await Get(h.Http, "api/v1/analyses/checkout");
        Assert.False(first.GetProperty("looked").GetBoolean());
        Assert.Equal("hold", first.GetProperty("verdict").GetString());
        var verdicts = new List<string>();
        for (var i = 0; i < 30 && (verdicts.Count == 0 || verdicts[^1] != "promote"); i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var argo = await Get(h.Http, "api/v1/analyses/checkout/argo");
            verdicts.Add(argo.GetProperty("verdict").GetString()!);
            var events = await h.Server.Store.ReadAsync("analysis/checkout");
            Assert.Equal(i + 1, events.Count(e => e.Kind == "look"));
        }
        Assert.Equal("promote", verdicts[^1]);
        Assert.DoesNotContain("rollback", verdicts);
        var full = await Get(h.Http, "api/v1/analyses/checkout");
        Assert.Equal(1, full.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("promote", full.GetProperty("verdict").GetString());
        Assert.Contains(full.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("name").GetString() == "latency.median");
        Assert.False(full.GetProperty("looked").GetBoolean()); // same instant: answered from the last look
    }

    [Fact]
    public async Task Looks_SlowCanary_RollsBack_AndFlaggerHalts()
    {
        var clock = new ManualClock(Start);
        await using var h = await ServerHarness.StartAsync(clock: clock);
        await Post(h.Http, "api/v1/analyses", Definition("podinfo.test", slow: true));
        HttpStatusCode status = HttpStatusCode.OK;
        JsonElement body = default;
        for (var i = 0; i < 20 && status == HttpStatusCode.OK; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            (status, body) = await Post(h.Http, "api/v1/flagger/rollout", """{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "", "metadata": {}}""");
        }
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("rollback", body.GetProperty("verdict").GetString());
        Assert.Equal("infrastructure", body.GetProperty("regression").GetString());
        var argo = await Get(h.Http, "api/v1/analyses/podinfo.test/argo");
        Assert.Equal("rollback", argo.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Looks_SourceMissingData_HoldsWithTheReason_AndNeverPromotes()
    {
        var clock = new ManualClock(Start);
        await using var h = await ServerHarness.StartAsync(clock: clock);
        await Post(h.Http, "api/v1/analyses", Definition("checkout", missing: "no canary series for sum(increase(x[60s]))"));
        clock.Advance(TimeSpan.FromMinutes(1));
        var argo = await Get(h.Http, "api/v1/analyses/checkout/argo");
        Assert.Equal("hold", argo.GetProperty("verdict").GetString());
        Assert.Contains("no canary series", argo.GetProperty("missing")[0].GetString(), StringComparison.Ordinal);
        var (status, _) = await Post(h.Http, "api/v1/flagger/confirm-promotion", """{"name": "checkout", "namespace": "shop", "phase": "Promoting", "metadata": {"analysis": "checkout"}}""");
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
    }

    [Fact]
    public async Task Flagger_NewChecksum_StartsAFreshGeneration_ConfirmPromotionOnlyOnPromote()
    {
        var clock = new ManualClock(Start);
        await using var h = await ServerHarness.StartAsync(clock: clock);
        await Post(h.Http, "api/v1/analyses", Definition("podinfo.test"));
        const string Payload = """{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "CHECKSUM", "metadata": {"type": "rollout"}}""";
        clock.Advance(TimeSpan.FromMinutes(1));
        var (status, body) = await Post(h.Http, "api/v1/flagger/rollout", Payload.Replace("CHECKSUM", "85d557f47b", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, status); // the new revision's first look: hold would halt, continue advances
        Assert.Equal(2, body.GetProperty("generation").GetInt32());
        var confirm = Payload.Replace("CHECKSUM", "85d557f47b", StringComparison.Ordinal).Replace("Progressing", "Promoting", StringComparison.Ordinal);
        HttpStatusCode confirmStatus = HttpStatusCode.PreconditionFailed;
        for (var i = 0; i < 30 && confirmStatus != HttpStatusCode.OK; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            (confirmStatus, body) = await Post(h.Http, "api/v1/flagger/confirm-promotion", confirm);
            Assert.Equal(confirmStatus == HttpStatusCode.OK ? "promote" : "continue", body.GetProperty("verdict").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, confirmStatus);
        var looksBefore = body.GetProperty("looks").GetInt32();
        clock.Advance(TimeSpan.FromMinutes(1));
        (status, body) = await Post(h.Http, "api/v1/flagger/rollout", Payload.Replace("CHECKSUM", "9f00aa11", StringComparison.Ordinal));
        Assert.Equal(3, body.GetProperty("generation").GetInt32());
        Assert.True(body.GetProperty("looks").GetInt32() < looksBefore);
    }

    [Fact]
    public async Task Restart_NewServerOnTheSameStore_ContinuesWithTheSameEvidence()
    {
        var clock = new ManualClock(Start);
        var folder = Directory.CreateTempSubdirectory("faultline-restart-").FullName;
        var store = $"sqlite:{Path.Combine(folder, "state.db")}";
        JsonElement before;
        await using (var first = await ServerHarness.StartAsync(store: store, clock: clock))
        {
            await Post(first.Http, "api/v1/analyses", Definition("checkout"));
            for (var i = 0; i < 3; i++)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
                await Get(first.Http, "api/v1/analyses/checkout");
            }
            before = await Get(first.Http, "api/v1/analyses/checkout");
        }
        await using var second = await ServerHarness.StartAsync(store: store, clock: clock);
        var after = await Get(second.Http, "api/v1/analyses/checkout");
        Assert.False(after.GetProperty("looked").GetBoolean());
        Assert.Equal(before.GetProperty("looks").GetInt32(), after.GetProperty("looks").GetInt32());
        Assert.Equal(before.GetProperty("summary").GetString(), after.GetProperty("summary").GetString());
        Assert.Equal(before.GetProperty("decidedAfter").GetRawText(), after.GetProperty("decidedAfter").GetRawText());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task ConcurrentLooks_AtOneInstant_CountTheWindowOnce()
    {
        var clock = new ManualClock(Start);
        var engine = new FakeEngine();
        await using var h = await ServerHarness.StartAsync(clock: clock, engine: engine);
        await Post(h.Http, "api/v1/analyses", Definition("checkout"));
        clock.Advance(TimeSpan.FromMinutes(1));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Get(h.Http, "api/v1/analyses/checkout/argo")));
        Assert.All(answers, a => Assert.Equal(1, a.GetProperty("looks").GetInt32()));
        Assert.Equal(1, engine.Reads);
        Assert.Single(await h.Server.Store.ReadAsync("analysis/checkout"), e => e.Kind == "look");
    }
}
