using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Judge.Metrics;

/// <summary>
/// Error rate, judged on the difference canary minus (1 + relative tolerance) x baseline, which must stay at
/// most the absolute tolerance.
/// </summary>
/// <remarks>
/// Each look's canary requests are matched with the same number of baseline requests at random, and each pair
/// gives d = canary_failed - (1 + r) baseline_failed, a number in [-(1 + r), 1] whose mean is exactly the
/// measure. The test bets on the mean of d (<see cref="BoundedBetting"/>). Which requests a look pairs is
/// unknown for aggregated counts, so the wealth factor of a look is its expectation over all matchings
/// (a sum over the hypergeometric number of pairs where both failed): still a supermartingale step, because
/// the requests of a look are exchangeable, and it needs only the counts, so per-request and aggregated data
/// go through the same code.
///
/// Why not only a test of the canary's share of the errors given their total (Lindon and Malek, NeurIPS 2022;
/// Lindon, Sanden and Shirikian, "Rapid regression detection in software deployments through sequential
/// testing", KDD 2022): that
/// tests a ratio of rates, and a ratio says nothing when errors are rare. A service with no errors on either
/// side could never be shown to be within a ratio tolerance and so could never be promoted, and one at 0.5%
/// needs tens of thousands of requests to bound a ratio usefully. An absolute margin in percentage points is
/// what an error budget means, and the paired difference keeps the relative part as an option.
/// </remarks>
internal sealed class ErrorRateMonitor : IMetricMonitor
{
    private readonly ErrorRateMetric _metric;
    private readonly double _low;
    private readonly MixtureLog _atLimit = new(BoundedBetting.Grid);
    private readonly List<ErrorLook> _looks = [];
    private long _baselineRequests;
    private long _baselineErrors;
    private long _canaryRequests;
    private long _canaryErrors;

    public ErrorRateMonitor(ErrorRateMetric metric)
    {
        _metric = metric;
        _low = -(1 + metric.RelativeTolerance);
    }

    private readonly record struct ErrorLook(long Canary, long CanaryErrors, long Baseline, long BaselineErrors);

    public MetricDefinition Definition => _metric;

    public double Limit => _metric.Tolerance;

    public SampleCounts Samples => new(_baselineRequests, _canaryRequests);

    public double LogRollback => _atLimit.LogUp;

    public double LogPromote => _atLimit.LogDown;

    public void Add(ArmBatch baseline, ArmBatch canary)
    {
        var (nb, eb) = Count(baseline);
        var (nc, ec) = Count(canary);
        _baselineRequests += nb;
        _baselineErrors += eb;
        _canaryRequests += nc;
        _canaryErrors += ec;
        if (nb == 0 || nc == 0)
        {
            return;
        }
        var look = new ErrorLook(nc, ec, nb, eb);
        _looks.Add(look);
        Accumulate(look, _metric.Tolerance, _atLimit);
    }

    private (long Requests, long Errors) Count(ArmBatch batch)
    {
        if (batch.Aggregate is { } a)
        {
            return (a.Requests, Math.Clamp(a.Errors, 0, a.Requests));
        }
        var errors = 0L;
        foreach (var r in batch.Requests)
        {
            if (_metric.Statuses.Contains(r.Status))
            {
                errors++;
            }
        }
        return (batch.Requests.Count, errors);
    }

    /// <summary>Multiplies every gambler's wealth by its expected factor over the look's random matchings.</summary>
    private void Accumulate(ErrorLook look, double m, MixtureLog log)
    {
        var outcomes = Matchings(look);
        var grid = log.Grid;
        var r = _metric.RelativeTolerance;
        Span<double> terms = outcomes.Count <= 256 ? stackalloc double[outcomes.Count] : new double[outcomes.Count];
        for (var k = 0; k < grid.Count; k++)
        {
            var c = grid.Points[k];
            // d for the four kinds of pair: both failed, only the canary, only the baseline, neither.
            var upBoth = BoundedBetting.UpLogFactor(c, -r, m, _low);
            var upCanary = BoundedBetting.UpLogFactor(c, 1, m, _low);
            var upBaseline = BoundedBetting.UpLogFactor(c, _low, m, _low);
            var upNeither = BoundedBetting.UpLogFactor(c, 0, m, _low);
            var downBoth = BoundedBetting.DownLogFactor(c, -r, m, 1);
            var downCanary = BoundedBetting.DownLogFactor(c, 1, m, 1);
            var downBaseline = BoundedBetting.DownLogFactor(c, _low, m, 1);
            var downNeither = BoundedBetting.DownLogFactor(c, 0, m, 1);
            for (var i = 0; i < outcomes.Count; i++)
            {
                var o = outcomes[i];
                terms[i] = o.LogProbability + o.Both * upBoth + o.CanaryOnly * upCanary + o.BaselineOnly * upBaseline + o.Neither * upNeither;
            }
            log.Up[k] += LogMath.LogSumExp(terms);
            for (var i = 0; i < outcomes.Count; i++)
            {
                var o = outcomes[i];
                terms[i] = o.LogProbability + o.Both * downBoth + o.CanaryOnly * downCanary + o.BaselineOnly * downBaseline + o.Neither * downNeither;
            }
            log.Down[k] += LogMath.LogSumExp(terms);
        }
    }

    private readonly record struct PairCounts(double LogProbability, long Both, long CanaryOnly, long BaselineOnly, long Neither);

    /// <summary>
    /// The distribution of pair kinds when min(nc, nb) pairs are formed at random: the larger arm is first
    /// subsampled (its errors in the sample are hypergeometric), then the overlap of failed requests is.
    /// </summary>
    private static List<PairCounts> Matchings(ErrorLook look)
    {
        var pairs = Math.Min(look.Canary, look.Baseline);
        var result = new List<PairCounts>();
        var canaryIsSmaller = look.Canary <= look.Baseline;
        var (smallErrors, bigN, bigErrors) = canaryIsSmaller
            ? (look.CanaryErrors, look.Baseline, look.BaselineErrors)
            : (look.BaselineErrors, look.Canary, look.CanaryErrors);
        foreach (var (logPSample, sampled) in Support(bigN, bigErrors, pairs))
        {
            foreach (var (logPOverlap, both) in Support(pairs, smallErrors, sampled))
            {
                var (canaryErrors, baselineErrors) = canaryIsSmaller ? (smallErrors, sampled) : (sampled, smallErrors);
                result.Add(new PairCounts(
                    logPSample + logPOverlap,
                    both,
                    canaryErrors - both,
                    baselineErrors - both,
                    pairs - canaryErrors - baselineErrors + both));
            }
        }
        return result;
    }

    /// <summary>The hypergeometric law of marked items in a draw, without the negligible tails.</summary>
    private static IEnumerable<(double LogP, long K)> Support(long population, long marked, long draws)
    {
        var low = Math.Max(0, draws - (population - marked));
        var high = Math.Min(marked, draws);
        if (low == high)
        {
            yield return (0, low);
            yield break;
        }
        var values = new List<(double, long)>();
        var max = double.NegativeInfinity;
        for (var k = low; k <= high; k++)
        {
            var lp = LogMath.LogHypergeometric(population, marked, draws, k);
            values.Add((lp, k));
            max = Math.Max(max, lp);
        }
        foreach (var v in values)
        {
            if (v.Item1 > max - 40)
            {
                yield return v;
            }
        }
    }

    private double EvaluateUp(double m)
    {
        var log = new MixtureLog(BoundedBetting.Grid);
        foreach (var look in _looks)
        {
            Accumulate(look, m, log);
        }
        return log.LogUp;
    }

    private double EvaluateDown(double m)
    {
        var log = new MixtureLog(BoundedBetting.Grid);
        foreach (var look in _looks)
        {
            Accumulate(look, m, log);
        }
        return log.LogDown;
    }

    public MetricDetail Explain(double logRollbackThreshold, double logPromoteThreshold)
    {
        var r = _metric.RelativeTolerance;
        var baselineRate = _baselineRequests > 0 ? (double)_baselineErrors / _baselineRequests : (double?)null;
        var canaryRate = _canaryRequests > 0 ? (double)_canaryErrors / _canaryRequests : (double?)null;
        double? effect = baselineRate is { } b && canaryRate is { } c ? c - (1 + r) * b : null;
        const double Margin = 1e-9;
        var lower = Inversion.Lower(EvaluateUp, logRollbackThreshold, _low + Margin, 1 - Margin) ?? _low;
        var upper = Inversion.Upper(EvaluateDown, logPromoteThreshold, _low + Margin, 1 - Margin) ?? 1;
        var pairs = Math.Min(_baselineRequests, _canaryRequests);
        var measure = r == 0
            ? "canary error rate minus baseline error rate"
            : $"canary error rate minus {1 + r:0.##} x baseline error rate";
        var observed = canaryRate is { } cr && baselineRate is { } br
            ? $"{Percent(cr)} of canary requests failed ({_canaryErrors:N0} of {_canaryRequests:N0}) vs {Percent(br)} of baseline requests ({_baselineErrors:N0} of {_baselineRequests:N0})"
            : "no requests on one side";
        return new MetricDetail(
            measure,
            effect,
            new MetricInterval(lower, upper),
            SampleEstimate.Needed(effect, lower, upper, Limit, pairs),
            observed,
            PercentagePoints,
            d => r == 0 ? $"a difference of {PercentagePoints(d)}" : $"{PercentagePoints(d)} over {1 + r:0.##} x the baseline's rate");
    }

    private static string Percent(double rate) => $"{rate * 100:0.###}%";

    private static string PercentagePoints(double d) => $"{(d >= 0 ? "+" : "")}{d * 100:0.###} pp";
}
