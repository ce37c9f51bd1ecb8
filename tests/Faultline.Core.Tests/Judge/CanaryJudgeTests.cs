using Faultline.Core.Judge;

namespace Faultline.Core.Tests.Judge;

/// <summary>Verdict logic: hold, continue, rollback, promote, scoreboards, explanations.</summary>
public sealed class CanaryJudgeTests
{
    private static readonly Traffic Same = new();

    [Fact]
    public void Look_CanaryWithoutRequests_HoldsAndSaysWhy()
    {
        var judge = new CanaryJudge(Traffic.Settings());
        var result = judge.Look(ArmBatch.Of(Same.Generate(new Random(1), 500)), ArmBatch.Empty);

        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Contains("the canary has no requests", result.Missing);
        Assert.All(result.Metrics, m => Assert.Equal(Verdict.Hold, m.Verdict));
        Assert.Equal(1000, result.SamplesNeeded);
        Assert.StartsWith("hold: the canary has no requests", result.Summary);
    }

    [Fact]
    public void Result_BeforeAnyLook_Holds()
    {
        var result = new CanaryJudge(Traffic.Settings()).Result();

        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Equal(["no data yet"], result.Missing);
    }

    [Fact]
    public void Look_QualityScoreOnlyOnOneSide_HoldsOnTheQualityBoard()
    {
        var random = new Random(2);
        var canary = Same.Generate(random, 400).Select(r => r with { Scores = null }).ToArray();
        var result = new CanaryJudge(Traffic.Settings()).Look(ArmBatch.Of(Same.Generate(random, 400)), ArmBatch.Of(canary));

        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Equal(["score: no canary data"], result.Missing);
        Assert.Equal(Verdict.Hold, result.Quality.Verdict);
        Assert.Equal(Verdict.Continue, result.Infrastructure.Verdict);
    }

    [Fact]
    public void Look_NoCanaryTrafficInTheLatestLook_Holds()
    {
        var random = new Random(3);
        var judge = new CanaryJudge(Traffic.Settings());
        judge.Look(ArmBatch.Of(Same.Generate(random, 100)), ArmBatch.Of(Same.Generate(random, 100)));
        var result = judge.Look(ArmBatch.Of(Same.Generate(random, 100)), ArmBatch.Empty);

        Assert.Equal(Verdict.Hold, result.Verdict);
        Assert.Contains("no canary traffic in the last look", result.Missing);
    }

    [Fact]
    public void Replay_SlowerCanary_RollsBackOnTheInfrastructureBoardWithAnExplanation()
    {
        var random = new Random(4);
        var baseline = Same.Generate(random, 5000);
        var canary = (Same with { LatencyFactor = 1.4 }).Generate(random, 5000);

        var result = JudgeReplay.Run(baseline, canary, Traffic.Settings(), new Batching.ByCount(100));

        Assert.Equal(Verdict.Rollback, result.Verdict);
        Assert.Equal("infrastructure", result.Regression);
        Assert.Equal(Verdict.Rollback, result.Infrastructure.Verdict);
        Assert.NotEqual(Verdict.Rollback, result.Quality.Verdict);
        var median = result.Metrics.Single(m => m.Name == "latency.median");
        Assert.Equal(Verdict.Rollback, median.Verdict);
        Assert.InRange(median.Effect!.Value, 1.2, 1.6);
        Assert.True(median.Interval.Lower > 1.05, "the lower end clears the limit when the test rejects");
        Assert.True(median.Evidence.Rollback >= median.Evidence.RollbackThreshold);
        Assert.Equal(100, median.Evidence.RollbackThreshold, 1e-9); // 5 metrics, alpha 0.05
        Assert.Contains("beyond the tolerance of 1.05x", median.Reason);
        Assert.True(result.Samples.Canary < 1000);
    }

    [Fact]
    public void Replay_WorseScores_RollBackOnTheQualityBoardOnly()
    {
        var random = new Random(5);
        var baseline = Same.Generate(random, 5000);
        var canary = (Same with { ScoreMean = 0.7 }).Generate(random, 5000);

        var result = JudgeReplay.Run(baseline, canary, Traffic.Settings(), new Batching.ByCount(100));

        Assert.Equal(Verdict.Rollback, result.Verdict);
        Assert.Equal("quality", result.Regression);
        Assert.NotEqual(Verdict.Rollback, result.Infrastructure.Verdict);
        var score = result.Metrics.Single(m => m.Name == "score");
        Assert.InRange(score.Effect!.Value, 0.08, 0.12);
        Assert.Contains("worse", score.Reason);
    }

    [Fact]
    public void Replay_IdenticalVersions_PromoteOnlyAfterTheMinimumSamples()
    {
        var random = new Random(6);
        var baseline = Same.Generate(random, 20000);
        var canary = Same.Generate(random, 20000);
        var loose = Traffic.Settings(minSamples: 6000);

        var result = JudgeReplay.Run(baseline, canary, loose, new Batching.ByCount(200));

        Assert.Equal(Verdict.Promote, result.Verdict);
        Assert.True(result.Samples.Canary >= 6000);
        Assert.All(result.Metrics, m => Assert.True(m.Interval.Upper <= m.Limit, $"{m.Name}: upper end {m.Interval.Upper} within {m.Limit}"));
        Assert.Null(result.SamplesNeeded);
    }

    [Fact]
    public void Replay_FewRequests_ContinuesWithAnEstimate()
    {
        var random = new Random(7);
        var result = JudgeReplay.Run(Same.Generate(random, 300), Same.Generate(random, 300), Traffic.Settings(), new Batching.ByCount(100));

        Assert.Equal(Verdict.Continue, result.Verdict);
        Assert.Equal(3, result.Looks);
        Assert.NotNull(result.SamplesNeeded);
        Assert.StartsWith("continue: not decided after 300 baseline and 300 canary requests (3 looks)", result.Summary);
    }

    [Fact]
    public void Look_AggregatedIntervals_JudgeLikeSamples()
    {
        // Prometheus-style looks: 1,000 requests per arm, latency buckets, a score mean; the canary is 40% slower.
        double[] bounds = [25, 50, 75, 100, 125, 150, 200, 300, 500, 1000, double.PositiveInfinity];
        var random = new Random(8);
        var judge = new CanaryJudge(Traffic.Settings());
        JudgeResult? result = null;
        for (var look = 0; look < 20 && result?.Verdict != Verdict.Rollback; look++)
        {
            result = judge.Look(Aggregate(Same, random, bounds), Aggregate(Same with { LatencyFactor = 1.4 }, random, bounds));
        }

        Assert.Equal(Verdict.Rollback, result!.Verdict);
        Assert.Equal("infrastructure", result.Regression);
        Assert.Equal(Verdict.Rollback, result.Metrics.Single(m => m.Name == "latency.median").Verdict);
    }

    private static ArmBatch Aggregate(Traffic traffic, Random random, double[] bounds)
    {
        var requests = traffic.Generate(random, 1000);
        var cumulative = bounds.Select(b => (long)requests.Count(r => r.LatencyMs <= b)).ToArray();
        var scores = new Dictionary<string, ScoreSummary> { ["score"] = new(requests.Length, requests.Average(r => r.Score(0))) };
        return ArmBatch.Of(new IntervalAggregate(requests.Length, requests.Count(r => r.Status >= 500), new LatencyHistogram(bounds, cumulative), scores));
    }

    [Fact]
    public void Settings_Invalid_AreRefusedWithReasons()
    {
        var settings = Traffic.Settings(alpha: 1.5) with { Metrics = [new LatencyMetric("latency.median", 0.5, 0.05), new LatencyMetric("latency.median", 0.5, 0.05)] };

        var e = Assert.Throws<ArgumentException>(() => new CanaryJudge(settings));
        Assert.Contains("alpha must be between 0 and 1", e.Message);
        Assert.Contains("defined more than once", e.Message);
    }

    [Fact]
    public void Replay_ByInterval_CutsLooksByTimestamp()
    {
        RequestSample At(double t) => new(100, 200, null, t);
        var baseline = new[] { At(0), At(5), At(12), At(31) };
        var canary = new[] { At(1), At(14), At(15) };

        var looks = JudgeReplay.Looks(baseline, canary, new Batching.ByInterval(10)).Select(l => (l.Baseline.Length, l.Canary.Length)).ToList();

        Assert.Equal([(2, 1), (1, 2), (1, 0)], looks);
        Assert.Throws<ArgumentException>(() => JudgeReplay.Looks([new RequestSample(1, 200)], [], new Batching.ByInterval(10)).ToList());
    }

    [Fact]
    public void Replay_ByCount_LastLookTakesTheRestOfTheLongerSide()
    {
        var looks = JudgeReplay.Looks(new RequestSample[250], new RequestSample[120], new Batching.ByCount(100)).Select(l => (l.Baseline.Length, l.Canary.Length)).ToList();

        Assert.Equal([(100, 100), (150, 20)], looks);
    }
}
