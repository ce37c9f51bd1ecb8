using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Sources.Judge;

namespace Faultline.Sources.Tests.Judge;

public sealed class JudgeConfigFileTests
{
    private static (JudgeConfig Config, List<InputDiagnostic> Diagnostics) Parse(string yaml)
    {
        var diagnostics = new List<InputDiagnostic>();
        return (JudgeConfigFile.Parse(yaml, "judge.yaml", diagnostics), diagnostics);
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        var (config, diagnostics) = Parse("""
            alpha: 0.01
            minSamples: 500
            errorStatuses: [5xx, 429, 0, 520-527]
            metrics:
              errors: {tolerance: 0.2%, relativeTolerance: 0.5}
              latency.p99: {tolerance: 15%, scoreboard: quality}
              latency.p90: {tolerance: 0.1}
              cost: {direction: lower, tolerance: 2, min: 0, max: 100, scoreboard: infrastructure}
              request_id: {enabled: false}
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(0.01, config.Alpha);
        Assert.Equal(500, config.MinSamples);
        Assert.True(config.ErrorStatuses!.Contains(503) && config.ErrorStatuses.Contains(429) && config.ErrorStatuses.Contains(0) && config.ErrorStatuses.Contains(525));
        Assert.False(config.ErrorStatuses.Contains(404));
        Assert.Equal(0.002, config.Metrics["errors"].Tolerance!.Value, 1e-12);
        Assert.Equal(0.5, config.Metrics["errors"].RelativeTolerance);
        Assert.Equal(0.15, config.Metrics["latency.p99"].Tolerance!.Value, 1e-12);
        Assert.Equal(Scoreboard.Quality, config.Metrics["latency.p99"].Scoreboard);
        Assert.Equal(ScoreDirection.LowerIsBetter, config.Metrics["cost"].Direction);
        Assert.False(config.Metrics["request_id"].Enabled);
    }

    [Fact]
    public void Parse_Mistakes_AreErrorsWithLines()
    {
        var (_, diagnostics) = Parse("""
            alpha: 5
            tolerence: 1
            errorStatuses: [5xx, teapot]
            metrics:
              latency.p99: {tolerance: -1, direction: lower}
              latency.fast: {}
              score: {direction: up, min: 1, max: 0}
            """);

        Assert.Equal(
            [
                "judge.yaml:1: error: alpha must be a number between 0 and 1, e.g. 0.05 (got '5')",
                "judge.yaml:2: error: unknown key 'tolerence' (known: alpha, minSamples, errorStatuses, tolerances, metrics)",
                "judge.yaml:3: error: errorStatuses: 'teapot' is not a status code, a class like 5xx, or a range like 500-504",
                "judge.yaml:5: error: metrics.latency.p99.tolerance must be a number at least 0, such as 0.05 or 5% (got '-1')",
                "judge.yaml:5: error: metrics.latency.p99: unknown key 'direction' for a latency metric (known: enabled, tolerance, scoreboard)",
                "judge.yaml:6: error: 'latency.fast' is not a latency metric; use latency.median or latency.pNN, e.g. latency.p99",
                "judge.yaml:7: error: metrics.score.direction must be higher or lower (which is better; got 'up')",
                "judge.yaml:7: error: metrics.score: max must be greater than min",
            ],
            diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Build_DefaultsAndColumns_MakeTheMetricList()
    {
        var (config, _) = Parse("""
            metrics:
              latency.p95: {enabled: false}
              latency.p90: {}
              request_id: {enabled: false}
              nps: {min: 0, max: 10}
            """);

        var setup = JudgeSetup.Build(config, ["accuracy", "request_id", "nps"]);

        Assert.Equal(["errors", "latency.median", "latency.p99", "latency.p90", "nps", "accuracy"], setup.Settings.Metrics.Select(m => m.Name));
        Assert.Equal(["nps", "accuracy"], setup.QualityColumns);
        var nps = setup.Settings.Metrics.OfType<QualityMetric>().Single(m => m.Name == "nps");
        Assert.Equal((0, 0.2, 10), (nps.ScoreIndex, nps.Tolerance, nps.Max));
        Assert.Equal(0.9, setup.Settings.Metrics.OfType<LatencyMetric>().Single(m => m.Name == "latency.p90").Quantile, 1e-12);
        Assert.Empty(setup.Settings.Validate());
    }
}
