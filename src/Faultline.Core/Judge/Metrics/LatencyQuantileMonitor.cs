using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Judge.Metrics;

/// <summary>
/// A latency quantile, judged on the ratio canary quantile / baseline quantile, which must stay at most
/// 1 + tolerance. The quantile 0.5 judges a shift of the whole distribution; 0.95 and 0.99 judge the tail,
/// so a tail-only regression (a few requests much slower, median unchanged) is seen by its own test.
/// </summary>
/// <remarks>
/// At each look the threshold t is the baseline's q-quantile over the earlier looks (so it is fixed before
/// the look's data arrive). The look then gives a 2x2 table: canary requests slower than (1 + tolerance) t,
/// and baseline requests slower than t. If the canary's latencies, divided by 1 + tolerance, are no slower
/// than the baseline's around t, a canary request is at most as likely to cross its threshold as a baseline
/// request is to cross t, and the conditional test of <see cref="OddsRatioEProcess"/> applies. Why this and
/// not two confidence sequences for the quantiles (Howard and Ramdas, "Sequential estimation of quantiles
/// with applications to A/B-testing and best-arm identification", Bernoulli 2022), compared at each look: both
/// are valid, but two separate intervals must clear each other, so both widths add up; this test is the same
/// indicator "slower than the baseline's running quantile" that their quantile bounds
/// are built on, made two-sample. The interval for the ratio comes from re-running the test at other scale
/// factors than 1 + tolerance and keeping those it does not reject.
/// </remarks>
internal sealed class LatencyQuantileMonitor(LatencyMetric metric, LatencyStore store) : IMetricMonitor
{
    private const double MinRatio = 0.05;
    private const double MaxRatio = 20;
    private readonly MixtureLog _atLimit = new(OddsRatioEProcess.Grid);
    private readonly List<(int Look, double Threshold, long Baseline, long BaselineAbove)> _tests = [];
    private double[] _buffer = new double[128];

    public MetricDefinition Definition => metric;

    public double Limit => 1 + metric.Tolerance;

    public SampleCounts Samples => new(store.BaselineTotal, store.CanaryTotal);

    public double LogRollback => _atLimit.LogUp;

    public double LogPromote => _atLimit.LogDown;

    /// <summary>Reads the pending look from the store; the judge commits it after every metric has seen it.</summary>
    public void Add(ArmBatch baseline, ArmBatch canary)
    {
        if (store.PendingBaseline is not { Count: > 0 } b || store.PendingCanary is not { Count: > 0 } c)
        {
            return;
        }
        if (store.Threshold(metric.Quantile) is not { } t)
        {
            return;
        }
        var above = b.CountAbove(t);
        _tests.Add((store.PendingIndex, t, b.Count, above));
        OddsRatioEProcess.AddUp(_atLimit, new EventTable(c.Count, c.CountAbove(Limit * t), b.Count, above), ref _buffer);
        OddsRatioEProcess.AddDown(_atLimit, new EventTable(c.Count, c.CountAbove(Limit * t), b.Count, above), ref _buffer);
    }

    private double Evaluate(double logRatio, bool up)
    {
        var ratio = Math.Exp(logRatio);
        var log = new MixtureLog(OddsRatioEProcess.Grid);
        foreach (var (look, t, n, above) in _tests)
        {
            var c = store.Canary[look]!;
            var table = new EventTable(c.Count, c.CountAbove(ratio * t), n, above);
            if (up)
            {
                OddsRatioEProcess.AddUp(log, table, ref _buffer);
            }
            else
            {
                OddsRatioEProcess.AddDown(log, table, ref _buffer);
            }
        }
        return up ? log.LogUp : log.LogDown;
    }

    public MetricDetail Explain(double logRollbackThreshold, double logPromoteThreshold)
    {
        var q = metric.Quantile;
        var baselineQ = LatencyStore.Quantile(store.Baseline, q);
        var canaryQ = LatencyStore.Quantile(store.Canary, q);
        double? effect = baselineQ is > 0 && canaryQ is { } cq ? cq / baselineQ.Value : null;
        var lower = Inversion.Lower(x => Evaluate(x, up: true), logRollbackThreshold, Math.Log(MinRatio), Math.Log(MaxRatio));
        var upper = Inversion.Upper(x => Evaluate(x, up: false), logPromoteThreshold, Math.Log(MinRatio), Math.Log(MaxRatio));
        double? expLower = lower is { } l ? Math.Exp(l) : null;
        double? expUpper = upper is { } u ? Math.Exp(u) : null;
        var label = Label(q);
        var observed = baselineQ is { } bq && canaryQ is { } cq2
            ? $"{label} latency {Ms(cq2)} on the canary vs {Ms(bq)} on the baseline"
            : "no latencies on one side";
        return new MetricDetail(
            $"canary {label} latency / baseline {label} latency",
            effect,
            new MetricInterval(expLower, expUpper),
            SampleEstimate.Needed(Log(effect), lower, upper, Math.Log(Limit), _tests.Sum(x => store.Canary[x.Look]!.Count)),
            observed,
            r => $"{r:0.###}x",
            r => $"{r:0.###}x the baseline's");
    }

    private static double? Log(double? x) => x is > 0 ? Math.Log(x.Value) : null;

    private static string Label(double q) => q == 0.5 ? "median" : $"p{q * 100:0.##}";

    private static string Ms(double v) => v >= 100 ? $"{v:0} ms" : $"{v:0.##} ms";
}
