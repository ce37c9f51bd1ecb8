using System.Net;
using System.Text.Json;
using Faultline.Integrations.Storage;
using Faultline.Server.Analyses;
using Faultline.Testing;

namespace Faultline.Server.Tests;

/// <summary>One real PostgreSQL 15 for the replica tests.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

/// <summary>
/// Several <c>faultline serve</c> replicas on one PostgreSQL, each with its own store (its own connections, as
/// separate processes have), reading the real Prometheus: alternating looks give the verdicts one replica
/// gives, concurrent looks count a window once, and an interrupted look loses nothing.
/// </summary>
[Collection("postgres")]
public sealed class ReplicaTests(PostgresFixture postgres, HttpHistory history) : IClassFixture<HttpHistory>
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    private static async Task<JsonElement> Get(ServerHarness h, string path)
    {
        var response = await h.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task Create(ServerHarness h, string body)
    {
        var response = await h.Http.PostAsync("api/v1/analyses", ServerHarness.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Looks every five minutes of history, each answered by the next replica in turn; the answers in order.</summary>
    private async Task<List<string>> Run(IReadOnlyList<ServerHarness> replicas, ManualClock clock)
    {
        await Create(replicas[0], history.Definition("checkout", "healthy"));
        await Create(replicas[^1], history.Definition("search", "slow"));
        var answers = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            clock.Advance(Step);
            foreach (var analysis in new[] { "checkout", "search" })
            {
                var full = await Get(replicas[(i + answers.Count) % replicas.Count], $"api/v1/analyses/{analysis}");
                answers.Add($"{analysis} {full.GetProperty("verdict").GetString()} {full.GetProperty("summary").GetString()} {full.GetProperty("metrics").GetRawText()}");
            }
        }
        return answers;
    }

    [Fact]
    public async Task TwoReplicas_AlternatingLooks_GiveTheVerdictsOfOne()
    {
        var single = postgres.Server.CreateDatabase("single");
        var shared = postgres.Server.CreateDatabase("shared");
        var clockOne = new ManualClock(HttpHistory.Begin);
        List<string> alone;
        await using (var one = await ServerHarness.StartAsync(store: $"postgres:{single}", clock: clockOne, realEngine: true))
        {
            alone = await Run([one], clockOne);
        }
        var clock = new ManualClock(HttpHistory.Begin);
        await using var a = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, realEngine: true);
        await using var b = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, realEngine: true);
        var together = await Run([a, b], clock);
        Assert.Equal(alone, together);
        Assert.Contains(alone, x => x.StartsWith("checkout promote", StringComparison.Ordinal));
        Assert.Contains(alone, x => x.StartsWith("search rollback", StringComparison.Ordinal));
        var looks = await a.Server.Store.ReadAsync("analysis/search");
        Assert.Equal(12, looks.Count(e => e.Kind == "look"));
    }

    [Fact]
    public async Task TwoReplicas_ConcurrentLooksAtOneInstant_CountTheWindowOnce()
    {
        var shared = postgres.Server.CreateDatabase("burst");
        var clock = new ManualClock(HttpHistory.Begin);
        await using var a = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, realEngine: true);
        await using var b = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, realEngine: true);
        await Create(a, history.Definition("checkout", "healthy"));
        for (var round = 1; round <= 3; round++)
        {
            clock.Advance(Step);
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Get(i % 2 == 0 ? a : b, "api/v1/analyses/checkout/argo")));
            Assert.All(answers, x => Assert.Equal(round, x.GetProperty("looks").GetInt32()));
        }
        var events = await b.Server.Store.ReadAsync("analysis/checkout");
        Assert.Equal(3, events.Count(e => e.Kind == "look"));
        var windows = events.Where(e => e.Kind == "look").Select(e => LookRecords.Read(e.Data)).ToList();
        Assert.Equal(HttpHistory.Begin, windows[0].From);
        Assert.All(windows.Zip(windows.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
    }

    [Fact]
    public async Task InterruptedLook_OnOneReplica_IsTakenWholeByTheOther()
    {
        var shared = postgres.Server.CreateDatabase("interrupted");
        var clock = new ManualClock(HttpHistory.Begin);
        await using var stuck = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, engine: new StuckEngine());
        await using var healthy = await ServerHarness.StartAsync(store: $"postgres:{shared}", clock: clock, engine: new FakeEngine());
        await Create(healthy, """{"name": "checkout", "fake": {"canarySlowdown": false}}""");
        clock.Advance(Step);
        using (var impatient = new HttpClient { BaseAddress = stuck.Server.Address, Timeout = TimeSpan.FromMilliseconds(500) })
        {
            impatient.DefaultRequestHeaders.Authorization = new("Bearer", ServerHarness.Token);
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync("api/v1/analyses/checkout/argo"));
        }
        // The stuck replica's look was abandoned: its lock is free and nothing was stored for the window.
        var argo = await Get(healthy, "api/v1/analyses/checkout/argo");
        Assert.Equal(1, argo.GetProperty("looks").GetInt32());
        var looks = (await healthy.Server.Store.ReadAsync("analysis/checkout")).Where(e => e.Kind == "look").Select(e => LookRecords.Read(e.Data)).ToList();
        var look = Assert.Single(looks);
        Assert.Equal(HttpHistory.Begin, look.From);
        Assert.Equal(HttpHistory.Begin + Step, look.To);
    }

    /// <summary>A replica whose metric source never answers, as one that hangs or dies mid-look.</summary>
    private sealed class StuckEngine : IAnalysisEngine
    {
        public AnalysisPlan? Plan(string body, List<string> problems) =>
            new FakeEngine().Plan(body, problems) is { } plan ? plan with { Source = new Stuck() } : null;

        private sealed class Stuck : ILookSource
        {
            public async Task<AnalysisLook> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancel)
            {
                await Task.Delay(Timeout.Infinite, cancel);
                throw new InvalidOperationException("unreachable");
            }
        }
    }
}
