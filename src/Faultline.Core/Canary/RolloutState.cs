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

    public static RolloutState Replay(IEnumerable<RolloutEvent> events)
    {
        var state = new RolloutState();
        var looks = new List<Looked>();
        foreach (var e in events)
        {
            state = state with { Events = state.Events + 1, UpdatedAt = e.At };
            switch (e)
            {
                case RolloutStarted s:
                    state = state with { Phase = RolloutPhase.Running, Digest = s.Digest, StartedAt = s.At };
                    break;
                case StepStarted s:
                    looks = [];
                    state = state with { Phase = RolloutPhase.Running, Step = s.Step, Weight = s.Weight, StepStartedAt = s.At, Reason = null };
                    break;
                case Looked l:
                    if (l.Step == state.Step)
                    {
                        looks.Add(l);
                    }
                    if (l.Missing.Count == 0)
                    {
                        state = state with { LastLookEnd = l.To };
                    }
                    break;
                case Decided d:
                    state = state with { LastDecision = d };
                    break;
                case RollbackStarted r:
                    state = state with { Phase = RolloutPhase.RollingBack, Reason = r.Reason };
                    break;
                case RolledBack:
                    state = state with { Phase = RolloutPhase.RolledBack, Weight = 0 };
                    break;
                case Paused p:
                    state = state with { Phase = RolloutPhase.Paused, Reason = p.Reason };
                    break;
                case Resumed:
                    state = state with { Phase = RolloutPhase.Running, Reason = null };
                    break;
                case Completed:
                    state = state with { Phase = RolloutPhase.Completed, Weight = 100 };
                    break;
            }
        }
        return state with { Looks = looks };
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
            // A look with missing data was stored for the record; its window was read again by the next look.
            var result = look.Missing.Count == 0 ? judge.Look(look.BaselineBatch, look.CanaryBatch, explain: false) : judge.Result(explain: false).Holding(look.Missing);
            holds = result.Verdict == Verdict.Hold ? holds + 1 : 0;
        }
        return (judge, holds);
    }

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
