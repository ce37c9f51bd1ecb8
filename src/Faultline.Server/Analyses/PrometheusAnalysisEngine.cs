using Faultline.Core.Canary;
using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Integrations.Prometheus;
using Faultline.Sources.Canary;
using Faultline.Sources.Yaml;

namespace Faultline.Server.Analyses;

/// <summary>
/// Analyses whose metrics come from Prometheus: the definition's <c>judge</c> block is read as a rollout's
/// (alpha, minSamples, errorStatuses, metrics and tolerances; defaults when absent) and its <c>metrics</c>
/// block must be <c>{prometheus: {url, preset, lag, baseline, canary}}</c>.
/// </summary>
internal sealed class PrometheusAnalysisEngine(HttpClient? http = null) : IAnalysisEngine
{
    private const string File = "body";

    private readonly HttpClient _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };

    public AnalysisPlan? Plan(string body, List<string> problems)
    {
        var diagnostics = new List<InputDiagnostic>();
        var documents = YamlDocumentReader.Read(body, File, diagnostics);
        if (documents.Count == 0 || documents[0].Root is not MapNode root)
        {
            problems.AddRange(diagnostics.Select(d => d.ToString()));
            problems.Add("the definition must be an object with name, judge and metrics");
            return null;
        }
        var judge = root["judge"] is { } judgeBlock ? CanarySpecReader.ReadJudge(judgeBlock, File, diagnostics) : new JudgeSettings();
        MetricsSpec? metrics = null;
        if (root["metrics"] is { } metricsBlock)
        {
            metrics = CanarySpecReader.ReadMetrics(metricsBlock, File, diagnostics);
            if (metrics is { FromRouter: true })
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(File, metricsBlock.Line), "metrics: router is for `faultline canary run`; an analysis reads Prometheus: {prometheus: {url, baseline: {selector}, canary: {selector}}}"));
                metrics = null;
            }
        }
        else
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(File, root.Line), "metrics: missing; give {prometheus: {url: http://prometheus:9090, baseline: {selector: ...}, canary: {selector: ...}}}"));
        }
        var errors = diagnostics.Where(d => d.Level == DiagnosticLevel.Error).ToList();
        if (errors.Count > 0 || judge is null || metrics?.Prometheus is null)
        {
            problems.AddRange(errors.Select(d => d.ToString()));
            return null;
        }
        var prometheus = metrics.Prometheus;
        var source = new PrometheusArmSource(new PrometheusClient(_http, prometheus.Url), prometheus);
        return new AnalysisPlan(judge, new Source(source), prometheus.Lag);
    }

    private sealed class Source(PrometheusArmSource arms) : ILookSource
    {
        public async Task<AnalysisLook> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancel)
        {
            var look = await arms.ReadAsync(from, to, cancel);
            return new AnalysisLook(look.Baseline.Aggregate, look.Canary.Aggregate, look.Missing);
        }
    }
}
