using Faultline.Core.Canary;
using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Sources.Canary;

namespace Faultline.Sources.Tests.Canary;

public sealed class CanarySpecReaderTests
{
    private const string IssueExample = """
        apiVersion: faultline.dev/v1alpha1
        kind: Rollout
        name: checkout
        router: { listen: 127.0.0.1:8080, stable: [http://127.0.0.1:9001], canary: [http://127.0.0.1:9002] }
        steps:
          - { weight: 5,  minSamples: 500, maxDuration: 10m }
          - { weight: 25, minSamples: 2000, maxDuration: 10m }
          - { weight: 50, minSamples: 4000, maxDuration: 15m }
        judge: { tolerances: { latency: 5%, errors: 0.2pp }, alpha: 0.05 }
        metrics: router            # or: prometheus (below)
        onHold: pause              # or: rollback
        """;

    private static (RolloutSpec? Spec, List<InputDiagnostic> Diagnostics) Parse(string yaml)
    {
        var diagnostics = new List<InputDiagnostic>();
        return (CanarySpecReader.ParseRollout(yaml, "rollout.yaml", diagnostics), diagnostics);
    }

    [Fact]
    public void ParseRollout_IssueExample_ReadsEverything()
    {
        var (spec, diagnostics) = Parse(IssueExample);
        Assert.Empty(diagnostics);
        Assert.NotNull(spec);
        Assert.Equal("checkout", spec.Name);
        Assert.Equal("127.0.0.1:8080", spec.Router.Listen);
        Assert.Equal([new Uri("http://127.0.0.1:9001")], spec.Router.Stable);
        Assert.Equal([5, 25, 50], spec.Steps.Select(s => s.Weight));
        Assert.Equal(TimeSpan.FromMinutes(15), spec.Steps[2].MaxDuration);
        Assert.Equal(2000, spec.Steps[1].MinSamples);
        Assert.True(spec.Metrics.FromRouter);
        Assert.Equal(HoldAction.Pause, spec.OnHold);
        var errors = Assert.IsType<ErrorRateMetric>(spec.Judge.Metrics.Single(m => m.Name == "errors"));
        Assert.Equal(0.002, errors.Tolerance, 9);
        var median = Assert.IsType<LatencyMetric>(spec.Judge.Metrics.Single(m => m.Name == "latency.median"));
        Assert.Equal(0.05, median.Tolerance, 9);
    }

    [Fact]
    public void ParseRollout_Mistakes_AreReportedWithLines()
    {
        var (spec, diagnostics) = Parse("""
            kind: Rollout
            name: checkout
            router: { listen: nowhere, stable: [ftp://x], canary: [http://127.0.0.1:9002], sticky: sometimes }
            steps:
              - { weight: 50 }
              - { weight: 20, maxDuration: soon }
            judge: { tolerances: { latency: fast } }
            onHold: panic
            color: blue
            """);
        Assert.Null(spec);
        var messages = diagnostics.Select(d => $"{d.Location.Line}: {d.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("3: router.listen", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("3: router.stable: 'ftp://x'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("3: router.sticky", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("6: steps[].weight must grow", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("6: steps[].maxDuration", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("7: tolerances.latency", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("8: onHold", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("9: unknown key 'color'", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadMetrics_PrometheusWithSelectors_BuildsPresetQueries()
    {
        var (spec, diagnostics) = Parse(IssueExample.Replace("metrics: router            # or: prometheus (below)", """
            metrics:
              prometheus:
                url: http://127.0.0.1:9090
                lag: 10s
                baseline: { selector: 'app="checkout",track="stable"' }
                canary: { selector: 'app="checkout",track="canary"' }
            """, StringComparison.Ordinal));
        Assert.Empty(diagnostics);
        var prom = spec!.Metrics.Prometheus!;
        Assert.Equal(TimeSpan.FromSeconds(10), prom.Lag);
        Assert.Equal("sum(increase(http_server_request_duration_seconds_count{app=\"checkout\",track=\"canary\"}[{range}]))", prom.Canary.Requests);
        Assert.Equal("sum(increase(http_server_request_duration_seconds_count{app=\"checkout\",track=\"stable\",http_response_status_code=~\"5..\"}[{range}]))", prom.Baseline.Errors);
        Assert.Equal("sum by (le) (increase(http_server_request_duration_seconds_bucket{app=\"checkout\",track=\"canary\"}[{range}]))", prom.Canary.LatencyBuckets);
    }

    [Fact]
    public void ReadMetrics_LagZero_IsAllowed()
    {
        var diagnostics = new List<InputDiagnostic>();
        var node = Faultline.Sources.Yaml.YamlDocumentReader.Read("prometheus: {url: 'http://127.0.0.1:9090', lag: 0s}", "body.json", diagnostics)[0].Root;
        Assert.Equal(TimeSpan.Zero, CanarySpecReader.ReadMetrics(node, "body.json", diagnostics)!.Prometheus!.Lag);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void ReadMetrics_OwnQueryWithoutRange_IsAnError()
    {
        var diagnostics = new List<InputDiagnostic>();
        var node = Faultline.Sources.Yaml.YamlDocumentReader.Read("""
            prometheus:
              url: http://127.0.0.1:9090
              preset: router
              canary: { requests: 'sum(rate(x_total[5m]))' }
            """, "body.json", diagnostics)[0].Root;
        Assert.Null(CanarySpecReader.ReadMetrics(node, "body.json", diagnostics));
        var d = Assert.Single(diagnostics);
        Assert.Equal(4, d.Location.Line);
        Assert.Contains("{range}", d.Message);
    }
}
