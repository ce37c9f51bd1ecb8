using Faultline.Core.Judge;

namespace Faultline.Core.Tests.Judge;

/// <summary>
/// Properties over many seeded runs. Counts are modest to keep the suite fast; bench/judge runs the large
/// simulation. Bounds allow for sampling noise: a valid test at alpha has a binomial count of false
/// rollbacks with mean at most alpha x runs, and the bounds below sit several standard deviations above it.
/// </summary>
public sealed class JudgePropertyTests
{
    private static readonly Traffic Same = new();

    [Fact]
    public void AA_AllMetrics_RollBackNoMoreOftenThanAlpha()
    {
        const int Runs = 60;
        var settings = Traffic.Settings();
        var rollbacks = Enumerable.Range(0, Runs).Count(seed => Traffic.Run(settings, Same, Same, 1000 + seed, 100, 100).Verdict == Verdict.Rollback);

        Assert.InRange(rollbacks, 0, 8); // alpha 0.05: mean at most 3
    }

    public static TheoryData<string> SingleMetrics => ["errors", "latency.median", "latency.p99", "score"];

    [Theory]
    [MemberData(nameof(SingleMetrics))]
    public void AA_OneMetricAtAHighAlpha_StaysWithinAlpha(string name)
    {
        // Tolerance 0 puts identical versions on the edge of the null, the hardest case for validity; with alpha
        // 0.3 and one metric a broken supermartingale would show up as far more than 30% rollbacks (a valid one
        // gives about 10-15% here, as mixtures over 2,000 requests do not use up all of alpha).
        const int Runs = 150;
        const double Alpha = 0.3;
        var metric = Traffic.Settings().Metrics.Single(m => m.Name == name) switch
        {
            ErrorRateMetric e => e with { Tolerance = 0 },
            LatencyMetric l => l with { Tolerance = 0 },
            QualityMetric q => q with { Tolerance = 0 },
            var other => other,
        };
        var settings = Traffic.Settings(alpha: Alpha, minSamples: long.MaxValue, metric);
        var traffic = name == "errors" ? Same with { ErrorRate = 0.05 } : Same;
        var rollbacks = Enumerable.Range(0, Runs).Count(seed => Traffic.Run(settings, traffic, traffic, 2000 + seed, 50, 40).Verdict == Verdict.Rollback);

        Assert.InRange(rollbacks, 0, 60); // mean at most 45, sd about 5.6
    }

    [Fact]
    public void Improvement_NeverRollsBack()
    {
        const int Runs = 30;
        var better = new Traffic { LatencyFactor = 0.8, ErrorRate = 0.001, ScoreMean = 0.85 };
        var settings = Traffic.Settings(minSamples: long.MaxValue);
        var verdicts = Enumerable.Range(0, Runs).Select(seed => Traffic.Run(settings, Same, better, 3000 + seed, 100, 60).Verdict).ToList();

        Assert.DoesNotContain(Verdict.Rollback, verdicts);
    }

    [Fact]
    public void Improvement_OnEveryMetricAtOnce_IsPromoted()
    {
        var better = new Traffic { LatencyFactor = 0.8, ErrorRate = 0.001, ScoreMean = 0.85 };

        var (verdict, samples) = Traffic.Run(Traffic.Settings(), Same, better, 3100, 100, 100);

        Assert.Equal(Verdict.Promote, verdict);
        Assert.True(samples >= 1000);
    }

    [Fact]
    public void BatchSize_DoesNotChangeTheOutcomeBeyondTheGuarantees()
    {
        // The same requests cut into looks of 50, 100 or 250: A/A never rolls back more than alpha allows, a
        // clear regression is caught at every batch size, and decisions come after similar numbers of requests.
        const int Runs = 12;
        var settings = Traffic.Settings();
        var slower = Same with { LatencyFactor = 1.25 };
        foreach (var batch in new[] { 50, 100, 250 })
        {
            var aa = 0;
            var caught = new List<int>();
            for (var seed = 0; seed < Runs; seed++)
            {
                var random = new Random(4000 + seed);
                var baseline = Same.Generate(random, 5000);
                var canary = Same.Generate(random, 5000);
                aa += Traffic.Replay(settings, baseline, canary, batch).Verdict == Verdict.Rollback ? 1 : 0;
                var worse = slower.Generate(random, 5000);
                var (verdict, samples) = Traffic.Replay(settings, baseline, worse, batch);
                Assert.Equal(Verdict.Rollback, verdict);
                caught.Add(samples);
            }
            Assert.InRange(aa, 0, 3);
            caught.Sort();
            Assert.InRange(caught[Runs / 2], 200, 1500);
        }
    }

    [Fact]
    public void SameInput_GivesTheSameResult()
    {
        var random = new Random(5000);
        var baseline = Same.Generate(random, 3000);
        var canary = (Same with { LatencyFactor = 1.1 }).Generate(random, 3000);

        var first = JudgeReplay.Run(baseline, canary, Traffic.Settings(), new Batching.ByCount(100));
        var second = JudgeReplay.Run(baseline, canary, Traffic.Settings(), new Batching.ByCount(100));

        Assert.Equal(first.Summary, second.Summary);
        Assert.Equal(first.Metrics.Select(m => (m.Verdict, m.Effect, m.Interval, m.Evidence, m.Reason)), second.Metrics.Select(m => (m.Verdict, m.Effect, m.Interval, m.Evidence, m.Reason)));
    }
}
