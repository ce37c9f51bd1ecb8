using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Judge.Metrics;

/// <summary>
/// A bounded quality score, judged on how much worse the canary's mean is than the baseline's (in score
/// units, oriented by the metric's direction), which must stay at most the tolerance.
/// </summary>
/// <remarks>
/// Per-request scores are paired in arrival order within a look (the i-th canary score with the i-th baseline
/// score; the surplus of the busier arm is left out, so pairs stay close in time), and each pair gives d = baseline - canary (or the reverse for lower-is-better), scaled to [-1, 1];
/// its mean is the measure, and <see cref="BoundedBetting"/> tests it: a betting confidence sequence
/// (Waudby-Smith and Ramdas, JRSS-B 2024), which needs only the bounds of the score, adapts to its variance,
/// and is valid at every look. Why betting and not a normal approximation: scores like accuracy are often
/// near a bound and skewed, where a central-limit interval under-covers early on; betting is exact for any
/// bounded distribution.
/// Interval aggregates (count and mean) cannot be paired; a look's difference of means is then sub-Gaussian
/// with variance factor (1/nb + 1/nc) / 4 by Hoeffding's lemma, which gives an exact but more conservative
/// factor for the same gamblers.
/// </remarks>
internal sealed class QualityScoreMonitor : IMetricMonitor
{
    /// <summary>Stakes for the aggregated looks' Hoeffding factors, paired with the betting fractions by index.</summary>
    private static readonly MixtureGrid AggregateStakes = MixtureGrid.Geometric(0.5, 5000, BoundedBetting.Grid.Count);

    private readonly QualityMetric _metric;
    private readonly double _range;
    private readonly double _sign;
    private readonly double _limit;
    private readonly MixtureLog _atLimit = new(BoundedBetting.Grid);
    private readonly Queue<double> _baselineQueue = new();
    private readonly Queue<double> _canaryQueue = new();
    private readonly List<double> _pairs = [];
    private readonly List<(double Mean, double Variance)> _aggregates = [];
    private long _baselineCount;
    private long _canaryCount;
    private double _baselineSum;
    private double _canarySum;

    public QualityScoreMonitor(QualityMetric metric)
    {
        _metric = metric;
        _range = metric.Max - metric.Min;
        _sign = metric.Direction == ScoreDirection.HigherIsBetter ? 1 : -1;
        _limit = metric.Tolerance / _range;
    }

    public MetricDefinition Definition => _metric;

    public double Limit => _metric.Tolerance;

    public SampleCounts Samples => new(_baselineCount, _canaryCount);

    public double LogRollback => _atLimit.LogUp;

    public double LogPromote => _atLimit.LogDown;

    public void Add(ArmBatch baseline, ArmBatch canary)
    {
        if (baseline.Aggregate is not null || canary.Aggregate is not null)
        {
            AddAggregates(Summary(baseline), Summary(canary));
            return;
        }
        Enqueue(baseline, _baselineQueue, ref _baselineCount, ref _baselineSum);
        Enqueue(canary, _canaryQueue, ref _canaryCount, ref _canarySum);
        while (_baselineQueue.Count > 0 && _canaryQueue.Count > 0)
        {
            var d = _sign * (_baselineQueue.Dequeue() - _canaryQueue.Dequeue());
            _pairs.Add(d);
            BoundedBetting.Add(_atLimit, d, _limit, -1, 1);
        }
        _baselineQueue.Clear();
        _canaryQueue.Clear();
    }

    private void Enqueue(ArmBatch batch, Queue<double> queue, ref long count, ref double sum)
    {
        foreach (var r in batch.Requests)
        {
            var score = r.Score(_metric.ScoreIndex);
            if (double.IsNaN(score))
            {
                continue;
            }
            if (score < _metric.Min || score > _metric.Max)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), $"{_metric.Name}: score {score} is outside [{_metric.Min}, {_metric.Max}]");
            }
            queue.Enqueue((score - _metric.Min) / _range);
            count++;
            sum += score;
        }
    }

    private ScoreSummary? Summary(ArmBatch batch)
    {
        if (batch.Aggregate?.Scores is { } scores && scores.TryGetValue(_metric.Name, out var s) && s.Count > 0)
        {
            return s;
        }
        if (batch.Aggregate is null)
        {
            var values = batch.Requests.Select(r => r.Score(_metric.ScoreIndex)).Where(v => !double.IsNaN(v)).ToList();
            return values.Count > 0 ? new ScoreSummary(values.Count, values.Average()) : null;
        }
        return null;
    }

    private void AddAggregates(ScoreSummary? baseline, ScoreSummary? canary)
    {
        if (baseline is { } b)
        {
            _baselineCount += b.Count;
            _baselineSum += b.Mean * b.Count;
        }
        if (canary is { } c)
        {
            _canaryCount += c.Count;
            _canarySum += c.Mean * c.Count;
        }
        if (baseline is not { } bs || canary is not { } cs)
        {
            return;
        }
        var mean = _sign * (bs.Mean - cs.Mean) / _range;
        var variance = (1.0 / bs.Count + 1.0 / cs.Count) / 4;
        _aggregates.Add((mean, variance));
        AddAggregate(_atLimit, mean, variance, _limit);
    }

    private static void AddAggregate(MixtureLog log, double mean, double variance, double m)
    {
        for (var k = 0; k < AggregateStakes.Count; k++)
        {
            var l = AggregateStakes.Points[k];
            log.Up[k] += l * (mean - m) - l * l * variance / 2;
            log.Down[k] += l * (m - mean) - l * l * variance / 2;
        }
    }

    private MixtureLog Evaluate(double m)
    {
        var log = new MixtureLog(BoundedBetting.Grid);
        foreach (var d in _pairs)
        {
            BoundedBetting.Add(log, d, m, -1, 1);
        }
        foreach (var (mean, variance) in _aggregates)
        {
            AddAggregate(log, mean, variance, m);
        }
        return log;
    }

    public MetricDetail Explain(double logRollbackThreshold, double logPromoteThreshold)
    {
        double? baselineMean = _baselineCount > 0 ? _baselineSum / _baselineCount : null;
        double? canaryMean = _canaryCount > 0 ? _canarySum / _canaryCount : null;
        double? effect = baselineMean is { } b && canaryMean is { } c ? _sign * (b - c) : null;
        const double Margin = 1e-9;
        var lower = Inversion.Lower(m => Evaluate(m).LogUp, logRollbackThreshold, -1 + Margin, 1 - Margin);
        var upper = Inversion.Upper(m => Evaluate(m).LogDown, logPromoteThreshold, -1 + Margin, 1 - Margin);
        var lowerScore = (lower ?? -1) * _range;
        var upperScore = (upper ?? 1) * _range;
        var better = _metric.Direction == ScoreDirection.HigherIsBetter ? "higher" : "lower";
        var observed = baselineMean is { } bm && canaryMean is { } cm
            ? $"mean {_metric.Name} {cm:0.####} on the canary vs {bm:0.####} on the baseline, where {better} is better"
            : $"no {_metric.Name} scores on one side";
        return new MetricDetail(
            $"baseline mean minus canary mean ({better} is better), in score units",
            effect,
            new MetricInterval(lowerScore, upperScore),
            SampleEstimate.Needed(effect, lowerScore, upperScore, Limit, Math.Min(_baselineCount, _canaryCount)),
            observed,
            d => $"{(d >= 0 ? "+" : "")}{d:0.####}",
            d => d > 0 ? $"{d:0.####} worse" : d < 0 ? $"{-d:0.####} better" : "the same");
    }
}
