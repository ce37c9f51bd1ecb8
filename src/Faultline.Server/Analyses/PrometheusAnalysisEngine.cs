namespace Faultline.Server.Analyses;

/// <summary>Analyses whose metrics come from Prometheus, as the definition's <c>metrics.prometheus</c> block says.</summary>
internal sealed class PrometheusAnalysisEngine : IAnalysisEngine
{
    public AnalysisPlan? Plan(string body, List<string> problems)
    {
        problems.Add("metrics: Prometheus analyses are not available in this build");
        return null;
    }
}
