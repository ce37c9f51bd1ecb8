using Faultline.Core.Judge;
using Faultline.Core.Judge.Metrics;
using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Tests.Judge;

/// <summary>The per-metric monitors on small inputs whose answers can be worked out by hand.</summary>
public sealed class MonitorTests
{
    private static RequestSample[] Requests(params int[] statuses) => statuses.Select(s => new RequestSample(100, s)).ToArray();

    [Fact]
    public void ErrorRate_OneErrorEachOfTwo_AveragesOverBothMatchings()
    {
        // Two pairs; the failed requests are paired together (both, neither) or apart (canary only, baseline
        // only), each with probability 1/2. Pair values d: both 0, neither 0, canary only 1, baseline only -1.
        var metric = new ErrorRateMetric("errors", 0.004, 0, StatusSet.Default);
        var monitor = new ErrorRateMonitor(metric);
        monitor.Add(ArmBatch.Of(Requests(500, 200)), ArmBatch.Of(Requests(200, 503)));

        const double m = 0.004, lo = -1, hi = 1;
        double Up(double c, double d) => 1 + c * (d - m) / (m - lo);
        double Down(double c, double d) => 1 + c * (m - d) / (hi - m);
        var up = BoundedBetting.Grid.Points.Average(c => 0.5 * Up(c, 0) * Up(c, 0) + 0.5 * Up(c, 1) * Up(c, -1));
        var down = BoundedBetting.Grid.Points.Average(c => 0.5 * Down(c, 0) * Down(c, 0) + 0.5 * Down(c, 1) * Down(c, -1));
        Assert.Equal(Math.Log(up), monitor.LogRollback, 1e-12);
        Assert.Equal(Math.Log(down), monitor.LogPromote, 1e-12);
        Assert.Equal(new SampleCounts(2, 2), monitor.Samples);
    }

    [Fact]
    public void ErrorRate_ConfiguredStatuses_DecideWhatFails()
    {
        var monitor = new ErrorRateMonitor(new ErrorRateMetric("errors", 0.004, 0, new StatusSet([(429, 429)])));
        monitor.Add(ArmBatch.Of(Requests(200, 200)), ArmBatch.Of(Requests(429, 500)));

        var detail = monitor.Explain(Math.Log(100), Math.Log(20));
        Assert.Equal(0.5, detail.Effect);
    }

    [Fact]
    public void ErrorRate_AggregatedCountsOfUnequalArms_AreAccepted()
    {
        var monitor = new ErrorRateMonitor(new ErrorRateMetric("errors", 0.004, 0, StatusSet.Default));
        for (var i = 0; i < 30; i++)
        {
            monitor.Add(ArmBatch.Of(new IntervalAggregate(1900, 10)), ArmBatch.Of(new IntervalAggregate(100, 8)));
        }

        Assert.True(monitor.LogRollback > Math.Log(100), "8% vs 0.5% errors over 3,000 canary requests is a regression");
        Assert.Equal(new SampleCounts(57_000, 3_000), monitor.Samples);
    }

    [Fact]
    public void LatencyStore_Threshold_IsTheNearestRankQuantileOfEarlierLooks()
    {
        var store = new LatencyStore();
        store.Begin(ArmBatch.Of(Enumerable.Range(1, 100).Reverse().Select(i => new RequestSample(i, 200)).ToArray()), ArmBatch.Empty);
        Assert.Null(store.Threshold(0.5));
        store.Commit();

        Assert.Equal(50, store.Threshold(0.5));
        Assert.Equal(95, store.Threshold(0.95));
        Assert.Equal(99, store.Threshold(0.99));
        Assert.Null(store.Threshold(0.999));
    }

    [Fact]
    public void LatencyHistogram_CountAboveAndQuantile_FollowPrometheusBuckets()
    {
        var h = new LatencyHistogram([100, 200, 400, double.PositiveInfinity], [50, 100, 180, 200]);
        var store = new LatencyStore();
        store.Begin(ArmBatch.Of(new IntervalAggregate(200, 0, h)), ArmBatch.Of(new IntervalAggregate(200, 0, h)));
        var set = store.PendingCanary!;

        // Spread evenly within a bucket, as histogram_quantile assumes: 250 is a quarter into (200, 400].
        Assert.Equal(100, set.CountAbove(200));
        Assert.Equal(80, set.CountAbove(250));
        Assert.Equal(175, set.CountAbove(50));
        Assert.Equal(20, set.CountAbove(400));
        Assert.Equal(20, set.CountAbove(1000));
        store.Commit();
        Assert.Equal(200, store.Threshold(0.5));
        // histogram_quantile: rank 0.5 * 200 = 100 falls at the top of the (100, 200] bucket; rank 140 in (200, 400].
        Assert.Equal(200, LatencyStore.Quantile(store.Canary, 0.5));
        Assert.Equal(300, LatencyStore.Quantile(store.Canary, 0.7));
    }

    [Fact]
    public void Quality_Pairs_InArrivalOrderWithinALook()
    {
        var metric = new QualityMetric("score", 0, ScoreDirection.HigherIsBetter, 0.02, 0, 1);
        var monitor = new QualityScoreMonitor(metric);
        monitor.Add(ArmBatch.Of([new RequestSample(1, 200, [1.0]), new RequestSample(1, 200, [1.0]), new RequestSample(1, 200, [0.5])]), ArmBatch.Of([new RequestSample(1, 200, [0.0])]));
        monitor.Add(ArmBatch.Empty, ArmBatch.Of([new RequestSample(1, 200, [0.0])]));
        monitor.Add(ArmBatch.Of([new RequestSample(1, 200, [0.5])]), ArmBatch.Of([new RequestSample(1, 200, [0.0]), new RequestSample(1, 200, [0.0])]));

        // Pairs (1, 0) and (0.5, 0), so d = 1 and 0.5 against m = 0.02 on [-1, 1]; the surplus of a look is not carried over.
        var up = BoundedBetting.Grid.Points.Average(c => (1 + c * (1 - 0.02) / 1.02) * (1 + c * (0.5 - 0.02) / 1.02));
        Assert.Equal(Math.Log(up), monitor.LogRollback, 1e-12);
        Assert.Equal(new SampleCounts(4, 4), monitor.Samples);
    }

    [Fact]
    public void Quality_ScoreOutsideItsBounds_IsRefused()
    {
        var monitor = new QualityScoreMonitor(new QualityMetric("score", 0, ScoreDirection.HigherIsBetter, 0.02, 0, 1));

        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Add(ArmBatch.Of([new RequestSample(1, 200, [1.5])]), ArmBatch.Empty));
    }

    [Fact]
    public void Quality_LowerIsBetter_TurnsTheDifferenceAround()
    {
        var monitor = new QualityScoreMonitor(new QualityMetric("cost", 0, ScoreDirection.LowerIsBetter, 1, 0, 100));
        monitor.Add(ArmBatch.Of([new RequestSample(1, 200, [40.0])]), ArmBatch.Of([new RequestSample(1, 200, [50.0])]));

        Assert.Equal(10, monitor.Explain(Math.Log(100), Math.Log(20)).Effect!.Value, 1e-9);
    }
}
