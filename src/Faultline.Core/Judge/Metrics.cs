namespace Faultline.Core.Judge;

/// <summary>The two boards a metric is judged on; they never mix.</summary>
public enum Scoreboard
{
    /// <summary>Latency, errors, saturation, throughput.</summary>
    Infrastructure,

    /// <summary>Accuracy, evaluation scores, business outcomes.</summary>
    Quality,
}

public enum ScoreDirection
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>A metric the judge compares between baseline and canary, with the degradation it tolerates.</summary>
public abstract record MetricDefinition(string Name, Scoreboard Scoreboard);

/// <summary>
/// Share of requests that fail. Within tolerance while canary rate &lt;= (1 + RelativeTolerance) x baseline rate
/// + Tolerance; Tolerance is absolute (0.004 = 0.4 percentage points).
/// </summary>
public sealed record ErrorRateMetric(
    string Name,
    double Tolerance,
    double RelativeTolerance,
    StatusSet Statuses,
    Scoreboard Scoreboard = Scoreboard.Infrastructure) : MetricDefinition(Name, Scoreboard);

/// <summary>
/// A latency quantile (0.5 judges a shift of the whole distribution, 0.95 and 0.99 the tail). Within tolerance
/// while the canary's quantile is at most (1 + Tolerance) times the baseline's.
/// </summary>
public sealed record LatencyMetric(
    string Name,
    double Quantile,
    double Tolerance,
    Scoreboard Scoreboard = Scoreboard.Infrastructure) : MetricDefinition(Name, Scoreboard);

/// <summary>
/// A per-request score known to lie in [Min, Max]. Within tolerance while the canary's mean is worse than the
/// baseline's by at most Tolerance (in score units), "worse" as <see cref="Direction"/> says.
/// </summary>
public sealed record QualityMetric(
    string Name,
    int ScoreIndex,
    ScoreDirection Direction,
    double Tolerance,
    double Min,
    double Max,
    Scoreboard Scoreboard = Scoreboard.Quality) : MetricDefinition(Name, Scoreboard);

/// <summary>Status codes that count as errors: single codes and inclusive ranges.</summary>
public sealed record StatusSet(IReadOnlyList<(int From, int To)> Ranges)
{
    /// <summary>Every 5xx, and 0 (no response: a timeout or a reset connection, as load generators log it).</summary>
    public static readonly StatusSet Default = new([(500, 599), (0, 0)]);

    public bool Contains(int status)
    {
        foreach (var (from, to) in Ranges)
        {
            if (status >= from && status <= to)
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() =>
        string.Join(", ", Ranges.Select(r => r.From == r.To ? r.From.ToString() : r.From % 100 == 0 && r.To == r.From + 99 ? $"{r.From / 100}xx" : $"{r.From}-{r.To}"));
}
