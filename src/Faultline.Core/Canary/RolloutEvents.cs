using Faultline.Core.Judge;

namespace Faultline.Core.Canary;

/// <summary>
/// What happened to a rollout, in the order it happened. Each event is stored before the router acts on it,
/// so the events alone say where a rollout is: <see cref="RolloutState.Replay"/> rebuilds it after a restart.
/// </summary>
public abstract record RolloutEvent(DateTimeOffset At);

/// <summary>A rollout began with this many steps (the file's name and a digest of its steps, to spot an edited file).</summary>
public sealed record RolloutStarted(DateTimeOffset At, string File, string Digest, int Steps) : RolloutEvent(At);

/// <summary>Step <paramref name="Step"/> (0-based; Steps = the final 100%) begins: the canary gets <paramref name="Weight"/>%.</summary>
public sealed record StepStarted(DateTimeOffset At, int Step, int Weight) : RolloutEvent(At);

/// <summary>One look's observations of both arms over [From, To], and what could not be read.</summary>
public sealed record Looked(DateTimeOffset At, int Step, DateTimeOffset From, DateTimeOffset To, IntervalAggregate? Baseline, IntervalAggregate? Canary, IReadOnlyList<string> Missing) : RolloutEvent(At)
{
    public ArmBatch BaselineBatch => Baseline is { } b ? ArmBatch.Of(b) : ArmBatch.Empty;

    public ArmBatch CanaryBatch => Canary is { } c ? ArmBatch.Of(c) : ArmBatch.Empty;
}

/// <summary>The judge's verdict at the end of a step and what the rollout does about it.</summary>
public sealed record Decided(DateTimeOffset At, int Step, Verdict Verdict, RolloutAction Action, string Summary) : RolloutEvent(At);

/// <summary>Rolling back: the canary's weight goes to 0 next.</summary>
public sealed record RollbackStarted(DateTimeOffset At, string Reason) : RolloutEvent(At);

/// <summary>The canary's weight is 0.</summary>
public sealed record RolledBack(DateTimeOffset At) : RolloutEvent(At);

/// <summary>Stopped without a decision; running the rollout again resumes the step with its evidence.</summary>
public sealed record Paused(DateTimeOffset At, string Reason) : RolloutEvent(At);

/// <summary>A paused or interrupted rollout was picked up again.</summary>
public sealed record Resumed(DateTimeOffset At, int Step) : RolloutEvent(At);

/// <summary>All traffic is on the canary.</summary>
public sealed record Completed(DateTimeOffset At) : RolloutEvent(At);

/// <summary>What a decision makes the rollout do.</summary>
public enum RolloutAction
{
    /// <summary>Go to the next step (or to 100% after the last).</summary>
    Advance,

    /// <summary>Canary weight 0.</summary>
    Rollback,

    /// <summary>Stop and wait for a person.</summary>
    Pause,
}

public enum RolloutPhase
{
    NotStarted,
    Running,
    Paused,
    RollingBack,
    RolledBack,
    Completed,
}
