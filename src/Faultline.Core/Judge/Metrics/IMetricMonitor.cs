namespace Faultline.Core.Judge.Metrics;

/// <summary>
/// The sequential evidence about one metric. Every measure is oriented so that larger is worse and the metric
/// is within tolerance while the measure is at most <see cref="Limit"/>.
/// </summary>
internal interface IMetricMonitor
{
    MetricDefinition Definition { get; }

    double Limit { get; }

    SampleCounts Samples { get; }

    /// <summary>ln of the e-value against "the measure is at most the limit".</summary>
    double LogRollback { get; }

    /// <summary>ln of the e-value against "the measure is above the limit".</summary>
    double LogPromote { get; }

    void Add(ArmBatch baseline, ArmBatch canary);

    /// <summary>Estimate and interval (inverting the tests over the measure); costlier, so only on request.</summary>
    MetricDetail Explain(double logRollbackThreshold, double logPromoteThreshold);
}

/// <summary>A monitor's explanation: the estimate, the interval, and the words for it.</summary>
/// <param name="Observed">What was seen, e.g. "1.5% of canary requests failed (30 of 2,000) vs 0.5% of baseline requests (10 of 2,000)".</param>
/// <param name="Format">Writes a value of the measure, e.g. "+0.4 pp" or "1.1x".</param>
/// <param name="Phrase">Words for the effect, e.g. "a difference of +1 pp" or "0.05 worse".</param>
internal sealed record MetricDetail(
    string Measure,
    double? Effect,
    MetricInterval Interval,
    long? SamplesNeeded,
    string Observed,
    Func<double, string> Format,
    Func<double, string> Phrase);

internal static class SampleEstimate
{
    /// <summary>
    /// Rough further samples per side before the interval clears the limit, if its width keeps shrinking like
    /// 1/sqrt(n) and the estimate stays where it is. Null when the estimate sits on the limit or is unknown.
    /// </summary>
    public static long? Needed(double? estimate, double? lower, double? upper, double limit, long n)
    {
        if (estimate is not { } est || n <= 0 || !double.IsFinite(est))
        {
            return null;
        }
        double width;
        double gap;
        if (est > limit)
        {
            if (lower is not { } lo)
            {
                return null;
            }
            if (lo > limit)
            {
                return 0;
            }
            (width, gap) = (est - lo, est - limit);
        }
        else
        {
            if (upper is not { } hi)
            {
                return null;
            }
            if (hi <= limit)
            {
                return 0;
            }
            (width, gap) = (hi - est, limit - est);
        }
        if (gap <= 1e-12 * Math.Max(1, Math.Abs(limit)))
        {
            return null;
        }
        var total = n * (width / gap) * (width / gap);
        return total > 1e12 ? null : (long)Math.Ceiling(Math.Max(0, total - n));
    }
}
