namespace Faultline.Core.Judge;

/// <summary>
/// Everything the judge needs besides the data: the family-wise alpha, the minimum sample count before a
/// promotion, and the metrics with their tolerances. Defaults are the ones the README documents and the
/// benchmark measures.
/// </summary>
public sealed record JudgeSettings
{
    public const double DefaultAlpha = 0.05;
    public const long DefaultMinSamples = 1000;
    public const double DefaultErrorTolerance = 0.004;
    public const double DefaultMedianTolerance = 0.05;
    public const double DefaultTailTolerance = 0.10;

    /// <summary>Quality tolerance as a share of the score's range (0.02 on a 0..1 score).</summary>
    public const double DefaultQualityToleranceShare = 0.02;

    /// <summary>
    /// The chance of any false rollback over all metrics and all looks together. Each metric's rollback test
    /// gets alpha / (number of metrics); promotion needs every metric shown within tolerance, each at alpha.
    /// </summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Requests each arm must have seen before a promotion.</summary>
    public long MinSamples { get; init; } = DefaultMinSamples;

    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = InfrastructureDefaults();

    public static IReadOnlyList<MetricDefinition> InfrastructureDefaults() =>
    [
        new ErrorRateMetric("errors", DefaultErrorTolerance, 0, StatusSet.Default),
        new LatencyMetric("latency.median", 0.5, DefaultMedianTolerance),
        new LatencyMetric("latency.p95", 0.95, DefaultTailTolerance),
        new LatencyMetric("latency.p99", 0.99, DefaultTailTolerance),
    ];

    public static QualityMetric DefaultQuality(string name, int scoreIndex) =>
        new(name, scoreIndex, ScoreDirection.HigherIsBetter, DefaultQualityToleranceShare, 0, 1);

    /// <summary>Problems that make the settings unusable, in words a user can act on.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(Alpha > 0 && Alpha < 1))
        {
            problems.Add($"alpha must be between 0 and 1 (got {Alpha})");
        }
        if (MinSamples < 0)
        {
            problems.Add("minSamples cannot be negative");
        }
        foreach (var group in Metrics.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"metric '{group.Key}' is defined more than once");
        }
        foreach (var metric in Metrics)
        {
            switch (metric)
            {
                case ErrorRateMetric e when !(e.Tolerance >= 0 && e.Tolerance < 1 && e.RelativeTolerance >= 0):
                    problems.Add($"{e.Name}: tolerance must be in [0, 1) and relativeTolerance at least 0");
                    break;
                case LatencyMetric l when !(l.Quantile > 0 && l.Quantile < 1 && l.Tolerance >= 0 && l.Tolerance < 9):
                    problems.Add($"{l.Name}: the quantile must be between 0 and 1 and the tolerance in [0, 9)");
                    break;
                case QualityMetric q when !(q.Max > q.Min && q.Tolerance >= 0 && q.Tolerance < q.Max - q.Min):
                    problems.Add($"{q.Name}: max must exceed min and the tolerance must be in [0, max - min)");
                    break;
            }
        }
        return problems;
    }
}
