using Faultline.Cli.Canary;
using Faultline.Core.Canary;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;

namespace Faultline.Cli.Tests.Canary;

/// <summary>Records what a rollout reports, and tells the test where the router listens.</summary>
internal sealed class RecordingReporter : IRolloutReporter
{
    public TaskCompletionSource<Uri> Router { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string> Notes { get; } = [];

    public List<JudgeResult> Looks { get; } = [];

    public List<Decided> Decisions { get; } = [];

    public void Opened(RolloutSpec spec, RolloutState state)
    {
    }

    public void RouterStarted(Uri listen, Uri? admin) => Router.TrySetResult(listen);

    public void StepStarted(RolloutSpec spec, RolloutState state)
    {
    }

    public void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed) => Looks.Add(result);

    public void Decided(RolloutState state, Decided decision) => Decisions.Add(decision);

    public void Finished(RolloutState state, RolloutOutcome outcome)
    {
    }

    public void Note(string message) => Notes.Add(message);
}

/// <summary>A store that "dies" right after it has written a given event: the process would be gone at that point.</summary>
internal sealed class CrashingStore(IEventStore inner, string kind, int occurrence) : IEventStore
{
    private int _seen;

    public string Description => inner.Description;

    public Task MigrateAsync(CancellationToken cancel = default) => inner.MigrateAsync(cancel);

    public Task<bool> PingAsync(CancellationToken cancel = default) => inner.PingAsync(cancel);

    public async Task<long> AppendAsync(string stream, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancel = default)
    {
        var version = await inner.AppendAsync(stream, expectedVersion, events, cancel);
        if (events.Any(e => e.Kind == kind) && ++_seen == occurrence)
        {
            throw new SimulatedCrash($"crashed after writing {kind} #{occurrence}");
        }
        return version;
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string stream, long afterVersion = 0, CancellationToken cancel = default) => inner.ReadAsync(stream, afterVersion, cancel);

    public Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string prefix, CancellationToken cancel = default) => inner.ListStreamsAsync(prefix, cancel);

    public Task<T> WithStreamLockAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel = default) => inner.WithStreamLockAsync(stream, work, cancel);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class SimulatedCrash(string message) : Exception(message);

public sealed class RolloutRunnerTests : IAsyncLifetime
{
    private DemoService _stable = null!;
    private DemoService _canary = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("faultline-rollout-").FullName;
    private static readonly HttpClient Http = new();

    public async Task InitializeAsync()
    {
        _stable = await DemoService.StartAsync("stable");
        _canary = await DemoService.StartAsync("canary");
        _stable.MedianMs = _canary.MedianMs = 10;
    }

    public async Task DisposeAsync()
    {
        await _stable.DisposeAsync();
        await _canary.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private RolloutSpec Spec() => Commands.CanaryDemoCommand.Spec(_stable.Url, _canary.Url) with
    {
        Name = "checkout",
        Interval = TimeSpan.FromMilliseconds(500),
        Steps = [new RolloutStep(20, 300, TimeSpan.FromSeconds(30)), new RolloutStep(50, 500, TimeSpan.FromSeconds(30))],
    };

    private IEventStore Sqlite() => EventStores.Open(Path.Combine(_folder, "state.db"));

    /// <summary>Runs a rollout with load on its router until it ends (or the store crashes).</summary>
    private static async Task<(RolloutOutcome? Outcome, RecordingReporter Reporter, Exception? Crash)> Run(RolloutSpec spec, IEventStore store)
    {
        await store.MigrateAsync();
        var reporter = new RecordingReporter();
        var runner = new RolloutRunner(spec, store, reporter, TimeProvider.System, Http);
        var run = runner.RunAsync(CancellationToken.None);
        if (await Task.WhenAny(run, reporter.Router.Task) == run)
        {
            return (await Capture(run), reporter, run.Exception?.InnerException);
        }
        await using var load = new LoadGenerator(await reporter.Router.Task, concurrency: 8);
        try
        {
            return (await run, reporter, null);
        }
        catch (SimulatedCrash crash)
        {
            return (null, reporter, crash);
        }
    }

    private static async Task<RolloutOutcome?> Capture(Task<RolloutOutcome> run)
    {
        try
        {
            return await run;
        }
        catch (SimulatedCrash)
        {
            return null;
        }
    }

    private static async Task<List<string>> Kinds(IEventStore store) =>
        (await store.ReadAsync(RolloutEventJson.Stream("checkout"))).Select(e => e.Kind).ToList();

    [Fact]
    public async Task HealthyCanary_Completes_At100Percent()
    {
        await using var store = Sqlite();
        var (outcome, reporter, _) = await Run(Spec(), store);
        Assert.Equal(RolloutOutcome.Completed, outcome);
        Assert.Equal([RolloutAction.Advance, RolloutAction.Advance], reporter.Decisions.Select(d => d.Action));
        var kinds = await Kinds(store);
        Assert.Equal("completed", kinds[^1]);
        Assert.Equal(3, kinds.Count(k => k == "step-started"));
    }

    [Fact]
    public async Task SlowCanary_RollsBack_WithinAFewThousandRequests()
    {
        _canary.MedianMs = 14;
        await using var store = new MemoryEventStore();
        var (outcome, reporter, _) = await Run(Spec(), store);
        Assert.Equal(RolloutOutcome.RolledBack, outcome);
        var last = reporter.Looks[^1];
        Assert.Contains(last.Metrics, m => m.Name.StartsWith("latency", StringComparison.Ordinal) && m.Verdict == Verdict.Rollback);
        Assert.True(last.Samples.Canary < 3000, $"{last.Samples.Canary} canary requests before the rollback");
        Assert.Equal(["rollback-started", "rolled-back"], (await Kinds(store))[^2..]);
    }

    [Fact]
    public async Task ErroringCanary_RollsBackOnErrors()
    {
        _canary.ErrorShare = 0.05;
        await using var store = new MemoryEventStore();
        var (outcome, reporter, _) = await Run(Spec(), store);
        Assert.Equal(RolloutOutcome.RolledBack, outcome);
        Assert.Equal(Verdict.Rollback, reporter.Looks[^1].Metrics.Single(m => m.Name == "errors").Verdict);
        Assert.True(reporter.Looks[^1].Samples.Canary < 3000);
    }

    [Fact]
    public async Task KilledAfterAWeightChange_ResumesThatStep_AndLosesNoDecision()
    {
        await using (var store = Sqlite())
        {
            var (outcome, _, crash) = await Run(Spec(), new CrashingStore(store, "step-started", 2));
            Assert.Null(outcome);
            Assert.NotNull(crash);
        }
        await using (var store = Sqlite())
        {
            var (outcome, reporter, _) = await Run(Spec(), store);
            Assert.Equal(RolloutOutcome.Completed, outcome);
            Assert.Contains(reporter.Notes, n => n.StartsWith("resumed at step 2/2 (50% canary)", StringComparison.Ordinal));
            var kinds = await Kinds(store);
            Assert.Equal(2, kinds.Count(k => k == "decision"));
            Assert.Equal(1, kinds.Count(k => k == "resumed"));
            // Step 1's decision was made once, before the crash; step 2 was decided after the restart.
            Assert.Single(reporter.Decisions);
        }
    }

    [Fact]
    public async Task KilledDuringRollback_FinishesRollingBackOnRestart()
    {
        _canary.ErrorShare = 0.05;
        await using (var store = Sqlite())
        {
            var (outcome, _, crash) = await Run(Spec(), new CrashingStore(store, "rollback-started", 1));
            Assert.Null(outcome);
            Assert.NotNull(crash);
        }
        _canary.ErrorShare = 0;
        await using (var store = Sqlite())
        {
            var (outcome, reporter, _) = await Run(Spec(), store);
            Assert.Equal(RolloutOutcome.RolledBack, outcome);
            Assert.Empty(reporter.Looks);
            Assert.Equal(["rollback-started", "rolled-back"], (await Kinds(store))[^2..]);
        }
    }

    [Fact]
    public async Task KilledAfterLooks_ResumesWithTheEvidence()
    {
        await using (var store = Sqlite())
        {
            var (_, _, crash) = await Run(Spec(), new CrashingStore(store, "look", 2));
            Assert.NotNull(crash);
        }
        await using (var store = Sqlite())
        {
            var (outcome, reporter, _) = await Run(Spec(), store);
            Assert.Equal(RolloutOutcome.Completed, outcome);
            Assert.Contains(reporter.Notes, n => n.Contains("with 2 look(s) of evidence", StringComparison.Ordinal));
            // The judge of step 1 counted the two stored looks: its first look after the restart is its third.
            Assert.Equal(3, reporter.Looks[0].Looks);
        }
    }

    [Fact]
    public async Task FinishedRollout_RunAgain_ReportsTheStoredOutcome()
    {
        await using var store = new MemoryEventStore();
        Assert.Equal(RolloutOutcome.Completed, (await Run(Spec(), store)).Outcome);
        var again = await Run(Spec(), store);
        Assert.Equal(RolloutOutcome.Completed, again.Outcome);
        Assert.Empty(again.Reporter.Looks);
    }

    [Fact]
    public async Task EditedRolloutFile_IsRefusedWhileTheOldOneRuns()
    {
        await using var store = new MemoryEventStore();
        await Run(Spec(), new CrashingStore(store, "look", 1));
        var edited = Spec() with { Steps = [new RolloutStep(10, 300, TimeSpan.FromSeconds(30))] };
        var runner = new RolloutRunner(edited, store, new RecordingReporter(), TimeProvider.System, Http);
        var e = await Assert.ThrowsAsync<UsageException>(() => runner.RunAsync(CancellationToken.None));
        Assert.Contains("other steps or upstreams", e.Message);
    }
}
