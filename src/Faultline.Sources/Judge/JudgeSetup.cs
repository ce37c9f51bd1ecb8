using Faultline.Core.Judge;

namespace Faultline.Sources.Judge;

/// <summary>
/// Meets judge.yaml with the data: the built-in infrastructure metrics, the quality metrics (every numeric
/// column, and every quality metric the config names), and the defaults for what the config leaves out.
/// </summary>
public static class JudgeSetup
{
    /// <param name="QualityColumns">Quality metric names in <see cref="QualityMetric.ScoreIndex"/> order.</param>
    public sealed record Result(JudgeSettings Settings, IReadOnlyList<string> QualityColumns);

    public static Result Build(JudgeConfig config, IEnumerable<string> numericColumns)
    {
        var metrics = new List<MetricDefinition>();
        var statuses = config.ErrorStatuses ?? StatusSet.Default;
        foreach (var builtin in JudgeSettings.InfrastructureDefaults())
        {
            var c = config.Metrics.GetValueOrDefault(builtin.Name);
            if (c is { Enabled: false })
            {
                continue;
            }
            metrics.Add(builtin switch
            {
                ErrorRateMetric e => e with
                {
                    Tolerance = c?.Tolerance ?? e.Tolerance,
                    RelativeTolerance = c?.RelativeTolerance ?? e.RelativeTolerance,
                    Statuses = statuses,
                    Scoreboard = c?.Scoreboard ?? e.Scoreboard,
                },
                LatencyMetric l => l with { Tolerance = c?.Tolerance ?? l.Tolerance, Scoreboard = c?.Scoreboard ?? l.Scoreboard },
                _ => builtin,
            });
        }
        foreach (var c in config.Metrics.Values.Where(c => c.Enabled && JudgeConfigFile.Quantile(c.Name) is not null))
        {
            if (metrics.Any(m => m.Name == c.Name))
            {
                continue;
            }
            metrics.Add(new LatencyMetric(c.Name, JudgeConfigFile.Quantile(c.Name)!.Value, c.Tolerance ?? JudgeSettings.DefaultTailTolerance, c.Scoreboard ?? Scoreboard.Infrastructure));
        }
        var quality = new List<string>();
        foreach (var name in config.Metrics.Values.Where(c => c.Enabled && !JudgeConfigFile.IsBuiltin(c.Name)).Select(c => c.Name).Concat(numericColumns))
        {
            if (quality.Contains(name) || JudgeConfigFile.IsBuiltin(name) || config.Metrics.GetValueOrDefault(name) is { Enabled: false })
            {
                continue;
            }
            var c = config.Metrics.GetValueOrDefault(name);
            var min = c?.Min ?? 0;
            var max = c?.Max ?? Math.Max(1, min + 1);
            metrics.Add(new QualityMetric(
                name,
                quality.Count,
                c?.Direction ?? ScoreDirection.HigherIsBetter,
                c?.Tolerance ?? JudgeSettings.DefaultQualityToleranceShare * (max - min),
                min,
                max,
                c?.Scoreboard ?? Scoreboard.Quality));
            quality.Add(name);
        }
        var settings = new JudgeSettings
        {
            Alpha = config.Alpha ?? JudgeSettings.DefaultAlpha,
            MinSamples = config.MinSamples ?? JudgeSettings.DefaultMinSamples,
            Metrics = metrics,
        };
        return new Result(settings, quality);
    }
}
