using Faultline.Core.Judge;

namespace Faultline.Core.Tests.Judge;

public sealed class KayentaStyleJudgeTests
{
    /// <summary>Deterministic series around a level: a log-normal-ish spread from a seeded generator.</summary>
    private static double[] Series(int n, double level, double spread, int seed, double tailShare = 0, double tailFactor = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            var v = level * Math.Exp(spread * z);
            return random.NextDouble() < tailShare ? v * tailFactor : v;
        }).ToArray();
    }

    private static KayentaMetricPair Pair(string name, double[] control, double[] experiment) =>
        new(name, name + "-id", new Dictionary<string, string> { ["app"] = "checkout" }, control, experiment);

    [Fact]
    public void Classify_SameDistribution_Passes()
    {
        var result = KayentaStyleJudge.Classify(Pair("latency", Series(60, 100, 0.2, 1), Series(60, 100, 0.2, 2)), new KayentaMetricConfig("latency", ["latency"]));
        Assert.Equal("Pass", result.Classification);
        Assert.Contains("no significant change", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ShiftUp_IsHigh()
    {
        var result = KayentaStyleJudge.Classify(Pair("latency", Series(60, 100, 0.2, 1), Series(60, 130, 0.2, 2)), new KayentaMetricConfig("latency", ["latency"], KayentaDirection.Increase));
        Assert.Equal("High", result.Classification);
        Assert.Contains("centre", result.Reason, StringComparison.Ordinal);
        Assert.True(result.MedianRatio > 1.15);
    }

    [Fact]
    public void Classify_ShiftWithinAllowedIncrease_Passes()
    {
        var config = new KayentaMetricConfig("latency", ["latency"], KayentaDirection.Increase, AllowedIncrease: 1.5);
        var result = KayentaStyleJudge.Classify(Pair("latency", Series(60, 100, 0.2, 1), Series(60, 110, 0.2, 2)), config);
        Assert.Equal("Pass", result.Classification);
    }

    [Fact]
    public void Classify_TailOnlyRegression_IsHighThroughTheTailTest()
    {
        // A quarter of the points three times higher: the median barely moves, the tail does.
        var control = Series(80, 100, 0.1, 3);
        var experiment = Series(80, 100, 0.1, 4, tailShare: 0.25, tailFactor: 3);
        var result = KayentaStyleJudge.Classify(Pair("latency", control, experiment), new KayentaMetricConfig("latency", ["latency"], KayentaDirection.Increase));
        Assert.Equal("High", result.Classification);
        Assert.Contains("tail", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_DropWithDirectionIncrease_Passes_ButEitherIsLow()
    {
        var control = Series(60, 100, 0.2, 5);
        var experiment = Series(60, 60, 0.2, 6);
        Assert.Equal("Pass", KayentaStyleJudge.Classify(Pair("rps", control, experiment), new KayentaMetricConfig("rps", ["x"], KayentaDirection.Increase)).Classification);
        Assert.Equal("Low", KayentaStyleJudge.Classify(Pair("rps", control, experiment), new KayentaMetricConfig("rps", ["x"], KayentaDirection.Either)).Classification);
        Assert.Equal("Low", KayentaStyleJudge.Classify(Pair("rps", control, experiment), new KayentaMetricConfig("rps", ["x"], KayentaDirection.Decrease)).Classification);
    }

    [Fact]
    public void Classify_NoExperimentValues_IsNodataOrNodataFailMetric()
    {
        var pair = Pair("errors", Series(10, 1, 0.1, 7), [double.NaN, double.NaN]);
        Assert.Equal("Nodata", KayentaStyleJudge.Classify(pair, new KayentaMetricConfig("errors", ["e"])).Classification);
        Assert.Equal("NodataFailMetric", KayentaStyleJudge.Classify(pair, new KayentaMetricConfig("errors", ["e"], MustHaveData: true)).Classification);
        var replaced = KayentaStyleJudge.Classify(pair, new KayentaMetricConfig("errors", ["e"], ReplaceNaN: true));
        Assert.Equal(2, replaced.Experiment.Count);
    }

    [Fact]
    public void Judge_GroupScores_WeightedAsKayenta()
    {
        var same = (Series(60, 100, 0.2, 1), Series(60, 100, 0.2, 2));
        var worse = (Series(60, 100, 0.2, 1), Series(60, 200, 0.2, 2));
        var request = new KayentaJudgeRequest(
            [
                new KayentaMetricConfig("latency", ["latency"], KayentaDirection.Increase),
                new KayentaMetricConfig("cpu", ["system"], KayentaDirection.Increase),
                new KayentaMetricConfig("memory", ["system"], KayentaDirection.Increase),
            ],
            new Dictionary<string, double> { ["latency"] = 60, ["system"] = 40 },
            PassThreshold: 95,
            MarginalThreshold: 75,
            [Pair("latency", same.Item1, same.Item2), Pair("cpu", worse.Item1, worse.Item2), Pair("memory", same.Item1, same.Item2)]);
        var result = KayentaStyleJudge.Judge(request);
        Assert.Equal(["latency", "system"], result.GroupScores.Select(g => g.Name));
        Assert.Equal(100, result.GroupScores[0].Score);
        Assert.Equal(50, result.GroupScores[1].Score);
        Assert.Equal(80, result.Score.Score, 6);
        Assert.Equal("Marginal", result.Score.Classification);
        Assert.Contains("cpu High", result.Score.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_CriticalMetricFails_ScoreIsZero()
    {
        var request = new KayentaJudgeRequest(
            [new KayentaMetricConfig("errors", ["errors"], KayentaDirection.Increase, Critical: true), new KayentaMetricConfig("latency", ["latency"])],
            new Dictionary<string, double>(),
            95,
            75,
            [Pair("errors", Series(60, 1, 0.2, 1), Series(60, 3, 0.2, 2)), Pair("latency", Series(60, 100, 0.2, 1), Series(60, 100, 0.2, 2))]);
        var result = KayentaStyleJudge.Judge(request);
        Assert.Equal(0, result.Score.Score);
        Assert.Equal("Fail", result.Score.Classification);
        Assert.Contains("critical metric failed: errors", result.Score.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_UnweightedGroups_ShareTheRest()
    {
        var request = new KayentaJudgeRequest(
            [new KayentaMetricConfig("a", ["g1"]), new KayentaMetricConfig("b", ["g2"]), new KayentaMetricConfig("c", ["g3"])],
            new Dictionary<string, double> { ["g1"] = 50 },
            90,
            50,
            [Pair("a", Series(40, 10, 0.1, 1), Series(40, 10, 0.1, 2)), Pair("b", Series(40, 10, 0.1, 3), Series(40, 30, 0.1, 4)), Pair("c", Series(40, 10, 0.1, 5), Series(40, 10, 0.1, 6))]);
        var result = KayentaStyleJudge.Judge(request);
        Assert.Equal(75, result.Score.Score, 6); // 50 + 0 * 25 + 100 * 25 / 100
    }

    [Fact]
    public void Judge_IdenticalSeries_NeverHighOrLowOverManySeeds()
    {
        var flagged = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var r = KayentaStyleJudge.Classify(Pair("m", Series(30, 50, 0.5, seed * 2), Series(30, 50, 0.5, seed * 2 + 1)), new KayentaMetricConfig("m", []));
            if (r.Classification != "Pass")
            {
                flagged++;
            }
        }
        Assert.True(flagged <= 10, $"{flagged} of 200 identical pairs flagged (alpha 0.05)");
    }
}
