using Faultline.Core.Judge;

namespace Faultline.Core.Canary;

/// <summary>Where a rollout is, rebuilt from its events: the phase, the step, and the looks of the step so far.</summary>
public sealed record RolloutState
{
    public RolloutPhase Phase { get; init; } = RolloutPhase.NotStarted;

    /// <summary>The current step (0-based); equal to the number of steps for the final 100%.</summary>
    public int Step { get; init; }

    /// <summary>The canary's weight as last stored.</summary>
    public int Weight { get; init; }

    public DateTimeOffset? StepStartedAt { get; init; }

    /// <summary>The looks of the current step, in order.</summary>
    public IReadOnlyList<Looked> Looks { get; init; } = [];

    public Decided? LastDecision { get; init; }

    public string? Reason { get; init; }

    public string? Digest { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public int Events { get; init; }

    /// <summary>The end of the last complete look of any step, where the next look starts.</summary>
    public DateTimeOffset? LastLookEnd { get; init; }

    public static RolloutState Replay(IEnumerable<RolloutEvent> events) => events.Aggregate(new RolloutState(), (state, e) => state.Apply(e));

    /// <summary>The state after one more event.</summary>
    public RolloutState Apply(RolloutEvent e)
    {
        var state = this with { Events = Events + 1, UpdatedAt = e.At };
        return e switch
        {
            RolloutStarted s => state with { Phase = RolloutPhase.Running, Digest = s.Digest, StartedAt = s.At },
            StepStarted s => state with { Phase = RolloutPhase.Running, Step = s.Step, Weight = s.Weight, StepStartedAt = s.At, Reason = null, Looks = [] },
            Looked l => state with
            {
                Looks = l.Step == Step ? [.. Looks, l] : Looks,
                LastLookEnd = l.Missing.Count == 0 ? l.To : LastLookEnd,
            },
            Decided d => state with { LastDecision = d },
            RollbackStarted r => state with { Phase = RolloutPhase.RollingBack, Reason = r.Reason },
            RolledBack => state with { Phase = RolloutPhase.RolledBack, Weight = 0 },
            Paused p => state with { Phase = RolloutPhase.Paused, Reason = p.Reason },
            Resumed => state with { Phase = RolloutPhase.Running, Reason = null },
            Completed => state with { Phase = RolloutPhase.Completed, Weight = 100 },
            _ => state,
        };
    }

    public bool Finished => Phase is RolloutPhase.RolledBack or RolloutPhase.Completed;
}

/// <summary>
/// The rules of a rollout step, as pure functions: the judge a step uses, and what a verdict leads to.
/// A step is judged on its own looks with a fresh judge (its minSamples replace the judge's), so the
/// evidence of one weight never carries into the next.
/// </summary>
public static class RolloutPolicy
{
    /// <summary>Consecutive hold verdicts after which onHold applies (a single empty look is not a reason to stop).</summary>
    public const int HoldLooks = 3;

    public static JudgeSettings StepSettings(RolloutSpec spec, int step) =>
        step < spec.Steps.Count ? spec.Judge with { MinSamples = Math.Max(spec.Steps[step].MinSamples, 1) } : spec.Judge;

    /// <summary>A judge that has seen the step's looks so far.</summary>
    public static (CanaryJudge Judge, int Holds) Rebuild(RolloutSpec spec, RolloutState state)
    {
        var judge = new CanaryJudge(StepSettings(spec, state.Step));
        var holds = 0;
        foreach (var look in state.Looks)
        {
            holds = Judge(judge, look, explain: false).Verdict == Verdict.Hold ? holds + 1 : 0;
        }
        return (judge, holds);
    }

    /// <summary>
    /// Feeds a look to the step's judge. A look with missing data is kept for the record but not judged (its
    /// window is read again by the next look): the verdict holds with the reasons.
    /// </summary>
    public static JudgeResult Judge(CanaryJudge judge, Looked look, bool explain = true) =>
        look.Missing.Count == 0 ? judge.Look(look.BaselineBatch, look.CanaryBatch, explain) : judge.Result(explain).Holding(look.Missing);

    /// <summary>What to do after a look: null to keep looking.</summary>
    public static RolloutAction? Next(RolloutSpec spec, int step, JudgeResult result, int consecutiveHolds, TimeSpan stepElapsed)
    {
        switch (result.Verdict)
        {
            case Verdict.Rollback:
                return RolloutAction.Rollback;
            case Verdict.Promote:
                return RolloutAction.Advance;
        }
        var timedOut = step < spec.Steps.Count && stepElapsed >= spec.Steps[step].MaxDuration;
        if (timedOut || (result.Verdict == Verdict.Hold && consecutiveHolds >= HoldLooks))
        {
            return spec.OnHold == HoldAction.Rollback ? RolloutAction.Rollback : RolloutAction.Pause;
        }
        return null;
    }

    /// <summary>A short digest of what a rollout does (steps and upstreams), to tell an edited file from the one that started.</summary>
    public static string Digest(RolloutSpec spec)
    {
        var text = string.Join(";", spec.Steps.Select(s => $"{s.Weight}/{s.MinSamples}/{s.MaxDuration.TotalSeconds}"))
            + "|" + string.Join(",", spec.Router.Stable) + "|" + string.Join(",", spec.Router.Canary);
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
