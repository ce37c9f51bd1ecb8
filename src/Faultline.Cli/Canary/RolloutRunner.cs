using Faultline.Core.Canary;
using Faultline.Core.Judge;
using Faultline.Integrations.Prometheus;
using Faultline.Integrations.Storage;
using Faultline.Router;

namespace Faultline.Cli.Canary;

/// <summary>How a rollout run ended.</summary>
internal enum RolloutOutcome
{
    Completed,
    RolledBack,
    Paused,
}

/// <summary>
/// Drives one rollout: starts the embedded router at the stored weight, looks at the metrics every interval,
/// asks the judge, and moves the weight. Every event is appended to the store before the router acts on it,
/// and a restart replays the events, so killing the process at any moment loses no decision: a step resumes
/// with its evidence, a rollback in progress finishes.
/// </summary>
internal sealed class RolloutRunner(RolloutSpec spec, IEventStore store, IRolloutReporter reporter, TimeProvider clock, HttpClient http)
{
    private readonly string _stream = RolloutEventJson.Stream(spec.Name);
    private long _version;
    private RolloutState _state = new();

    /// <summary>Keep routing at the final weights after the rollout ends, until cancelled.</summary>
    public bool KeepRouting { get; init; }

    public RolloutState State => _state;

    public async Task<RolloutOutcome> RunAsync(CancellationToken cancel)
    {
        foreach (var stored in await store.ReadAsync(_stream, 0, cancel))
        {
            _state = _state.Apply(RolloutEventJson.Read(stored));
            _version = stored.Version;
        }
        var digest = RolloutPolicy.Digest(spec);
        if (_state.Phase != RolloutPhase.NotStarted && _state.Digest is { } d && d != digest)
        {
            throw new UsageException($"the rollout '{spec.Name}' in {store.Description} was started with other steps or upstreams than {spec.File} now has; " +
                "finish it with the file it started with, or give the new rollout another name");
        }
        reporter.Opened(spec, _state);
        switch (_state.Phase)
        {
            case RolloutPhase.Completed:
                return RolloutOutcome.Completed;
            case RolloutPhase.RolledBack:
                return RolloutOutcome.RolledBack;
        }
        var weight = _state.Phase is RolloutPhase.NotStarted or RolloutPhase.RollingBack ? 0 : _state.Weight;
        await using var router = await RouterServer.StartAsync(new RouterOptions { Spec = spec.Router, CanaryWeight = weight, ErrorStatuses = ErrorStatuses(), AdminSetsWeights = false }, cancel);
        reporter.RouterStarted(router.ListenUrl, router.AdminUrl);
        var outcome = await DriveAsync(router, cancel);
        if (KeepRouting && !cancel.IsCancellationRequested)
        {
            reporter.Note($"keeping the router at {router.Split.CanaryWeight}% canary until interrupted");
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
                // interrupted: stop routing
            }
        }
        return outcome;
    }

    private async Task<RolloutOutcome> DriveAsync(RouterServer router, CancellationToken cancel)
    {
        switch (_state.Phase)
        {
            case RolloutPhase.RollingBack:
                await Append(new RolledBack(clock.GetUtcNow()), CancellationToken.None);
                reporter.Finished(_state, RolloutOutcome.RolledBack);
                return RolloutOutcome.RolledBack;
            case RolloutPhase.NotStarted:
                await Append(new RolloutStarted(clock.GetUtcNow(), spec.File, RolloutPolicy.Digest(spec), spec.Steps.Count), cancel);
                await StartStep(router, 0, cancel);
                break;
            default:
                await Append(new Resumed(clock.GetUtcNow(), _state.Step), cancel);
                reporter.Note($"resumed at step {_state.Step + 1}/{spec.Steps.Count} ({_state.Weight}% canary) with {_state.Looks.Count} look(s) of evidence");
                break;
        }
        var source = spec.Metrics.Prometheus is { } p ? new PrometheusArmSource(new PrometheusClient(http, p.Url), p) : null;
        var (judge, holds) = RolloutPolicy.Rebuild(spec, _state);
        var stableMark = router.Stable.Snapshot();
        var canaryMark = router.Canary.Snapshot();
        var lookStart = source is null ? clock.GetUtcNow() : _state.LastLookEnd ?? clock.GetUtcNow() - spec.Metrics.Prometheus!.Lag;
        try
        {
            while (true)
            {
                await Task.Delay(spec.Interval, clock, cancel);
                var now = clock.GetUtcNow();
                Looked look;
                if (source is null)
                {
                    var stable = router.Stable.Snapshot();
                    var canary = router.Canary.Snapshot();
                    look = new Looked(now, _state.Step, lookStart, now, stable.Since(stableMark), canary.Since(canaryMark), []);
                    (stableMark, canaryMark) = (stable, canary);
                }
                else
                {
                    var to = now - spec.Metrics.Prometheus!.Lag;
                    var arms = await source.ReadAsync(lookStart, to, cancel);
                    await Task.Yield(); // off the socket thread before the store's synchronous write (see below)
                    look = new Looked(now, _state.Step, lookStart, to, arms.Baseline.Aggregate, arms.Canary.Aggregate, arms.Missing);
                }
                await Append(look, cancel);
                if (look.Missing.Count == 0)
                {
                    lookStart = look.To;
                }
                // The router's commands complete socket reads on the socket event thread (see ProxyThreading);
                // after a Prometheus read or a PostgreSQL append this code would run on it and hold up the proxy,
                // so the judge moves to the thread pool first.
                await Task.Yield();
                var result = RolloutPolicy.Judge(judge, look);
                holds = result.Verdict == Verdict.Hold ? holds + 1 : 0;
                var elapsed = now - (_state.StepStartedAt ?? now);
                reporter.Looked(spec, _state, result, elapsed);
                if (RolloutPolicy.Next(spec, _state.Step, result, holds, elapsed) is not { } action)
                {
                    continue;
                }
                var summary = action != RolloutAction.Advance && result.Verdict is Verdict.Continue or Verdict.Hold
                    ? $"{(result.Verdict == Verdict.Hold ? $"hold for {holds} looks" : $"no decision within {Format(spec.Steps[_state.Step].MaxDuration)}")}: {result.Summary}"
                    : result.Summary;
                var decision = new Decided(clock.GetUtcNow(), _state.Step, result.Verdict, action, summary);
                await Append(decision, cancel);
                reporter.Decided(_state, decision);
                switch (action)
                {
                    case RolloutAction.Rollback:
                        return await RollBack(router, summary);
                    case RolloutAction.Pause:
                        await Append(new Paused(clock.GetUtcNow(), summary), CancellationToken.None);
                        reporter.Finished(_state, RolloutOutcome.Paused);
                        return RolloutOutcome.Paused;
                }
                if (_state.Step + 1 >= spec.Steps.Count)
                {
                    await Append(new StepStarted(clock.GetUtcNow(), spec.Steps.Count, 100), cancel);
                    router.Split.CanaryWeight = 100;
                    await Append(new Completed(clock.GetUtcNow()), CancellationToken.None);
                    reporter.Finished(_state, RolloutOutcome.Completed);
                    return RolloutOutcome.Completed;
                }
                await StartStep(router, _state.Step + 1, cancel);
                (judge, holds) = RolloutPolicy.Rebuild(spec, _state);
                stableMark = router.Stable.Snapshot();
                canaryMark = router.Canary.Snapshot();
                lookStart = source is null ? clock.GetUtcNow() : lookStart;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Append(new Paused(clock.GetUtcNow(), "interrupted"), CancellationToken.None);
            reporter.Finished(_state, RolloutOutcome.Paused);
            return RolloutOutcome.Paused;
        }
    }

    private async Task StartStep(RouterServer router, int step, CancellationToken cancel)
    {
        var weight = spec.Steps[step].Weight;
        await Append(new StepStarted(clock.GetUtcNow(), step, weight), cancel);
        router.Split.CanaryWeight = weight;
        reporter.StepStarted(spec, _state);
    }

    private async Task<RolloutOutcome> RollBack(RouterServer router, string reason)
    {
        // Stored first, then acted on: a crash between the two finishes the rollback on the next start.
        await Append(new RollbackStarted(clock.GetUtcNow(), reason), CancellationToken.None);
        router.Split.CanaryWeight = 0;
        await Append(new RolledBack(clock.GetUtcNow()), CancellationToken.None);
        reporter.Finished(_state, RolloutOutcome.RolledBack);
        return RolloutOutcome.RolledBack;
    }

    private async Task Append(RolloutEvent e, CancellationToken cancel)
    {
        try
        {
            _version = await store.AppendAsync(_stream, _version, [RolloutEventJson.Write(e)], cancel);
        }
        catch (StreamConflictException)
        {
            throw new RolloutConflictException($"another process is driving the rollout '{spec.Name}' in {store.Description}; only one faultline canary run may drive a rollout");
        }
        _state = _state.Apply(e);
    }

    private StatusSet ErrorStatuses() =>
        spec.Judge.Metrics.OfType<ErrorRateMetric>().FirstOrDefault()?.Statuses ?? StatusSet.Default;

    internal static string Format(TimeSpan t) => t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{t.TotalMinutes:0.#}m" : $"{t.TotalSeconds:0.#}s";
}

/// <summary>Another process appended to the rollout's events: this one must stop.</summary>
internal sealed class RolloutConflictException(string message) : Exception(message);
