using Faultline.Cli.Canary;
using Faultline.Core.Canary;
using Faultline.Core.Judge;

namespace Faultline.Cli.Tests.Canary;

public sealed class RolloutReporterTests
{
    private static (RolloutSpec Spec, RolloutState State, JudgeResult Result) Sample()
    {
        var spec = Commands.CanaryDemoCommand.Spec(new Uri("http://127.0.0.1:1/"), new Uri("http://127.0.0.1:2/"));
        var judge = new CanaryJudge(spec.Judge);
        var samples = Enumerable.Range(0, 200).Select(i => new RequestSample(10 + (i % 7), 200)).ToList();
        var result = judge.Look(ArmBatch.Of(samples), ArmBatch.Of(samples));
        var state = RolloutState.Replay([new RolloutStarted(DateTimeOffset.UnixEpoch, "f", "d", 2), new StepStarted(DateTimeOffset.UnixEpoch, 0, 20)]);
        return (spec, state, result);
    }

    [Fact]
    public void Live_RedrawsItsBlockInPlace()
    {
        var (spec, state, result) = Sample();
        var output = new StringWriter();
        var live = new LiveRolloutReporter(output, TimeProvider.System);
        live.Looked(spec, state, result, TimeSpan.FromSeconds(3));
        var first = output.ToString();
        Assert.DoesNotContain("\u001b[", first);
        Assert.Contains("step 1/2 (20% canary)", first);
        Assert.Contains("latency.median", first);
        live.Looked(spec, state, result, TimeSpan.FromSeconds(4));
        var lines = first.Count(c => c == '\n');
        Assert.Contains($"\u001b[{lines}F\u001b[J", output.ToString()[first.Length..]);
    }

    [Fact]
    public void Plain_OneLinePerLook_WithEveryMetric()
    {
        var (spec, state, result) = Sample();
        var output = new StringWriter();
        new PlainRolloutReporter(output, TimeProvider.System).Looked(spec, state, result, TimeSpan.Zero);
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("step 1/2 (20% canary) look 1: 200 baseline / 200 canary requests: continue", line);
        Assert.Contains("| errors +0.00pp", line);
        Assert.Contains("| latency.p95 1.00x", line);
    }
}
