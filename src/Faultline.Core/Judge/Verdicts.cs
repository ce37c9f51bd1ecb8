namespace Faultline.Core.Judge;

/// <summary>The judge's decision for a rollout step.</summary>
public enum Verdict
{
    /// <summary>Every metric is shown within its tolerance, after the minimum sample count.</summary>
    Promote,

    /// <summary>Not decided yet: keep collecting.</summary>
    Continue,

    /// <summary>Cannot judge: a side or a metric has no data. Never promotes.</summary>
    Hold,

    /// <summary>Some metric is shown worse than its tolerance.</summary>
    Rollback,
}

public readonly record struct SampleCounts(long Baseline, long Canary);

/// <summary>
/// A time-uniform confidence interval for a metric's measure: the lower end at the rollback level
/// (1 - alpha / metrics), the upper end at the promotion level (1 - alpha). Null ends are not bounded yet.
/// </summary>
public sealed record MetricInterval(double? Lower, double? Upper);

/// <summary>
/// The e-values at the tolerance limit: against "within tolerance" (rollback) and against "beyond tolerance"
/// (promotion), with the thresholds each must reach.
/// </summary>
public sealed record MetricEvidence(double Rollback, double RollbackThreshold, double Promote, double PromoteThreshold);

/// <summary>One metric's verdict and its explanation at this look.</summary>
/// <param name="Measure">What <paramref name="Effect"/> and <paramref name="Limit"/> measure; larger is always worse.</param>
/// <param name="SamplesNeeded">Rough estimate of further samples per side before this metric decides; null if unknown.</param>
public sealed record MetricResult(
    string Name,
    Scoreboard Scoreboard,
    Verdict Verdict,
    string Measure,
    double? Effect,
    double Limit,
    MetricInterval Interval,
    MetricEvidence Evidence,
    SampleCounts Samples,
    long? SamplesNeeded,
    string Reason);

/// <summary>A board's verdict over its metrics; null when the board has no metrics.</summary>
public sealed record ScoreboardResult(Scoreboard Scoreboard, Verdict? Verdict, IReadOnlyList<string> Metrics);

/// <summary>The judge's answer at one look.</summary>
/// <param name="Missing">What keeps the judge from deciding (hold), in words.</param>
/// <param name="SamplesNeeded">Rough estimate of further samples per side before a decision; null if unknown or decided.</param>
public sealed record JudgeResult(
    Verdict Verdict,
    SampleCounts Samples,
    int Looks,
    ScoreboardResult Infrastructure,
    ScoreboardResult Quality,
    IReadOnlyList<MetricResult> Metrics,
    IReadOnlyList<string> Missing,
    long? SamplesNeeded,
    string Summary)
{
    /// <summary>The kind of regression found: "infrastructure", "quality", "infrastructure and quality", or null.</summary>
    /// <summary>
    /// This result when part of the data could not be read (a missing series, a metric source that did not
    /// answer): a promote or continue becomes hold with the reasons; a rollback shown on the data that was read
    /// stands.
    /// </summary>
    public JudgeResult Holding(IReadOnlyList<string> reasons)
    {
        if (reasons.Count == 0 || Verdict == Judge.Verdict.Rollback)
        {
            return this;
        }
        var missing = reasons.Concat(Missing).Distinct().ToList();
        return this with
        {
            Verdict = Judge.Verdict.Hold,
            Missing = missing,
            Summary = $"hold: {string.Join("; ", missing)} after {Samples.Baseline:N0} baseline and {Samples.Canary:N0} canary requests",
        };
    }

    public string? Regression => (Infrastructure.Verdict == Judge.Verdict.Rollback, Quality.Verdict == Judge.Verdict.Rollback) switch
    {
        (true, true) => "infrastructure and quality",
        (true, false) => "infrastructure",
        (false, true) => "quality",
        _ => null,
    };
}
