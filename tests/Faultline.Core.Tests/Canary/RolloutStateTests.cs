using Faultline.Core.Canary;
using Faultline.Core.Judge;

namespace Faultline.Core.Tests.Canary;

public sealed class RolloutStateTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-28T10:00:00Z");

    private static Looked Look(int step, int second, IReadOnlyList<string>? missing = null) =>
        new(T0.AddSeconds(second), step, T0.AddSeconds(second - 5), T0.AddSeconds(second), new IntervalAggregate(100, 0), new IntervalAggregate(10, 0), missing ?? []);

    [Fact]
    public void Replay_FollowsStepsAndKeepsOnlyTheCurrentStepsLooks()
    {
        var state = RolloutState.Replay(
        [
            new RolloutStarted(T0, "r.yaml", "d", 2), new StepStarted(T0, 0, 10), Look(0, 5), Look(0, 10),
            new Decided(T0.AddSeconds(10), 0, Verdict.Promote, RolloutAction.Advance, "promote"), new StepStarted(T0.AddSeconds(10), 1, 50), Look(1, 15),
        ]);
        Assert.Equal(RolloutPhase.Running, state.Phase);
        Assert.Equal(1, state.Step);
        Assert.Equal(50, state.Weight);
        Assert.Single(state.Looks);
        Assert.Equal(T0.AddSeconds(15), state.LastLookEnd);
    }

    [Fact]
    public void Replay_ALookWithMissingData_DoesNotMoveTheNextWindow()
    {
        var state = RolloutState.Replay([new RolloutStarted(T0, "r.yaml", "d", 1), new StepStarted(T0, 0, 10), Look(0, 5), Look(0, 10, ["Prometheus did not answer"])]);
        Assert.Equal(T0.AddSeconds(5), state.LastLookEnd);
        Assert.Equal(2, state.Looks.Count);
    }

    [Fact]
    public void Replay_RollbackStartedWithoutRolledBack_IsStillRollingBack()
    {
        var state = RolloutState.Replay([new RolloutStarted(T0, "r.yaml", "d", 1), new StepStarted(T0, 0, 10), new RollbackStarted(T0, "errors")]);
        Assert.Equal(RolloutPhase.RollingBack, state.Phase);
        Assert.False(state.Finished);
        Assert.True(RolloutState.Replay([new RolloutStarted(T0, "r.yaml", "d", 1), new RollbackStarted(T0, "errors"), new RolledBack(T0)]).Finished);
    }
}
