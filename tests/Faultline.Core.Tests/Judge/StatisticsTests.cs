using Faultline.Core.Judge.Metrics;
using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Tests.Judge;

/// <summary>Each statistic against values worked out by hand or from its definition.</summary>
public sealed class StatisticsTests
{
    private const double Tight = 1e-12;

    [Fact]
    public void LogFactorial_TableAndStirling_MatchKnownValues()
    {
        Assert.Equal(15.104412573075516, LogMath.LogFactorial(10), Tight);
        var sum = 0.0;
        for (var i = 2; i <= 3000; i++)
        {
            sum += Math.Log(i);
        }
        Assert.Equal(sum, LogMath.LogFactorial(3000), 1e-8);
        Assert.Equal(Math.Log(126410606437752), LogMath.LogChoose(50, 25), 1e-9);
        Assert.Equal(double.NegativeInfinity, LogMath.LogChoose(5, 6));
    }

    [Fact]
    public void LogSumExp_LargeValues_DoesNotOverflow()
    {
        Assert.Equal(1000 + Math.Log(2), LogMath.LogSumExp([1000.0, 1000.0]), Tight);
        Assert.Equal(Math.Log(0.25 * Math.E + 0.75), LogMath.LogSumExp([Math.Log(0.25), Math.Log(0.75)], [1.0, 0.0]), Tight);
    }

    [Fact]
    public void OddsRatio_SmallTable_EqualsFishersNoncentralLikelihoodRatio()
    {
        // nc = 3, nb = 2, 2 events, both on the canary: Z(psi) = 1 + 6 psi + 3 psi^2, Z(1) = C(5, 2) = 10.
        var log = new MixtureLog(OddsRatioEProcess.Grid);
        var buffer = new double[4];
        var table = new EventTable(3, 2, 2, 0);
        OddsRatioEProcess.AddUp(log, table, ref buffer);
        OddsRatioEProcess.AddDown(log, table, ref buffer);

        double Ratio(double psi) => psi * psi * 10 / (1 + 6 * psi + 3 * psi * psi);
        var up = OddsRatioEProcess.Grid.Points.Average(g => Ratio(Math.Exp(g)));
        var down = OddsRatioEProcess.Grid.Points.Average(g => Ratio(Math.Exp(-g)));
        Assert.Equal(Math.Log(up), log.LogUp, Tight);
        Assert.Equal(Math.Log(down), log.LogDown, Tight);
        Assert.True(log.LogUp > 0 && log.LogDown < 0);
    }

    [Theory]
    [InlineData(5, 5, 4)]
    [InlineData(100, 30, 17)]
    [InlineData(7, 200, 3)]
    public void OddsRatio_UnderTheNull_HasExpectationExactlyOne(long canary, long baseline, long events)
    {
        // Under psi = 1 the canary's count given the total is central hypergeometric; every component's
        // likelihood ratio must average to 1 over it, which is what makes the mixture a martingale.
        var up = 0.0;
        var down = 0.0;
        for (var x = Math.Max(0, events - baseline); x <= Math.Min(canary, events); x++)
        {
            var p = Math.Exp(LogMath.LogHypergeometric(canary + baseline, events, canary, x));
            var log = new MixtureLog(OddsRatioEProcess.Grid);
            var buffer = new double[1];
            var table = new EventTable(canary, x, baseline, events - x);
            OddsRatioEProcess.AddUp(log, table, ref buffer);
            OddsRatioEProcess.AddDown(log, table, ref buffer);
            up += p * Math.Exp(log.LogUp);
            down += p * Math.Exp(log.LogDown);
        }
        Assert.Equal(1, up, 1e-9);
        Assert.Equal(1, down, 1e-9);
    }

    [Fact]
    public void OddsRatio_NoEventsOrOnlyEvents_LeavesEvidenceAtOne()
    {
        var log = new MixtureLog(OddsRatioEProcess.Grid);
        var buffer = new double[1];
        OddsRatioEProcess.AddUp(log, new EventTable(100, 0, 100, 0), ref buffer);
        OddsRatioEProcess.AddUp(log, new EventTable(10, 10, 5, 5), ref buffer);

        Assert.Equal(0, log.LogUp, Tight);
    }

    [Fact]
    public void Betting_KnownSequence_GivesTheProductOfStakes()
    {
        // Observations 1, 0, 1 in [0, 1] against mean 0.5: each gambler's wealth is (1 + c)^2 (1 - c) up and (1 - c)^2 (1 + c) down.
        var log = new MixtureLog(BoundedBetting.Grid);
        foreach (var y in new[] { 1.0, 0.0, 1.0 })
        {
            BoundedBetting.Add(log, y, 0.5, 0, 1);
        }

        var up = BoundedBetting.Grid.Points.Average(c => (1 + c) * (1 + c) * (1 - c));
        var down = BoundedBetting.Grid.Points.Average(c => (1 - c) * (1 - c) * (1 + c));
        Assert.Equal(Math.Log(up), log.LogUp, Tight);
        Assert.Equal(Math.Log(down), log.LogDown, Tight);
    }

    [Fact]
    public void Betting_FactorsAtTheNullMean_AverageToOne()
    {
        // A two-point distribution on [-2, 1] with mean 0.1: P(1) = 0.7.
        const double m = 0.1;
        var p = (m + 2) / 3;
        foreach (var c in BoundedBetting.Grid.Points)
        {
            var up = p * Math.Exp(BoundedBetting.UpLogFactor(c, 1, m, -2)) + (1 - p) * Math.Exp(BoundedBetting.UpLogFactor(c, -2, m, -2));
            var down = p * Math.Exp(BoundedBetting.DownLogFactor(c, 1, m, 1)) + (1 - p) * Math.Exp(BoundedBetting.DownLogFactor(c, -2, m, 1));
            Assert.Equal(1, up, Tight);
            Assert.Equal(1, down, Tight);
        }
    }

    [Fact]
    public void Inversion_MonotoneEvidence_FindsTheCrossing()
    {
        // Up-side evidence 10 (0.3 - m), down-side 10 (m - 0.7): the interval at threshold 1 is [0.2, 0.8].
        var lower = Inversion.Lower(m => 10 * (0.3 - m), 1, -1, 1);
        var upper = Inversion.Upper(m => 10 * (m - 0.7), 1, -1, 1);

        Assert.Equal(0.2, lower!.Value, 1e-9);
        Assert.Equal(0.8, upper!.Value, 1e-9);
        Assert.Null(Inversion.Lower(m => -1, 1, -1, 1));
        Assert.Null(Inversion.Upper(m => -1, 1, -1, 1));
    }

    [Theory]
    [InlineData(0.5, 0.0, 1.0, 0.75, 100, 300L)]
    [InlineData(1.0, 0.5, 2.0, 0.75, 100, 300L)]
    [InlineData(0.75, 0.5, 1.0, 0.75, 100, null)]
    [InlineData(0.5, 0.0, 0.7, 0.75, 100, 0L)]
    public void SampleEstimate_WidthOverGapSquared(double estimate, double lower, double upper, double limit, long n, long? expected)
    {
        Assert.Equal(expected, SampleEstimate.Needed(estimate, lower, upper, limit, n));
    }
}
