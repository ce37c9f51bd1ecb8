using System.Globalization;
using System.Text;
using System.Text.Json;
using Faultline.Core.Resources;

namespace Faultline.Cli.Rendering;

/// <summary>The outcome of `faultline resources recommend`: where the usage came from, how it was judged, the result.</summary>
internal sealed record RecommendReport(
    string Source,
    RecommendOptions Options,
    DateTimeOffset? From,
    DateTimeOffset? To,
    TimeSpan? Step,
    IReadOnlyList<ContainerRecommendation> Recommendations)
{
    public int Recommended => Recommendations.Count(r => r.IsRecommended);

    public string StrategyName => Options.Strategy == RecommendStrategy.Vpa ? "vpa" : "simple";

    public string Summary() =>
        $"{Recommendations.Count} container{(Recommendations.Count == 1 ? "" : "s")}: {Recommended} with a recommendation, {Recommendations.Count - Recommended} without ({StrategyName} strategy, at least {ResourceRecommender.Hours(Options.MinHistory.TotalHours)} of history)";
}

/// <summary>Text: each container with its numbers, the history behind them, and a resources block to paste.</summary>
internal static class RecommendText
{
    public static string Render(RecommendReport report)
    {
        var text = new StringBuilder();
        foreach (var r in report.Recommendations)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Name(r.Key)}\n");
            foreach (var res in new[] { r.Cpu, r.Memory })
            {
                var label = res.Resource == "cpu" ? "cpu:   " : "memory:";
                if (!res.IsRecommended)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  {label} no recommendation: {res.Refusal}\n");
                    continue;
                }
                var limit = res.LimitText is { } l ? $"limit {l}" : "no limit";
                var bounds = res.LowerBound is { } lo && res.UpperBound is { } hi
                    ? $", bounds {ResourceUnits.Format(res.Resource, lo)}..{ResourceUnits.Format(res.Resource, hi)}"
                    : "";
                text.Append(CultureInfo.InvariantCulture, $"  {label} request {res.RequestText}, {limit}{bounds}\n");
                text.Append(CultureInfo.InvariantCulture, $"          from: {res.Basis}\n");
                text.Append(CultureInfo.InvariantCulture, $"          history: {History(res.History)}{(res.OomKills > 0 ? $"; {res.OomKills} OOM kill{(res.OomKills == 1 ? "" : "s")}" : "")}\n");
            }
            if (r.IsRecommended)
            {
                text.Append("  resources:\n");
                if (r.Cpu.IsRecommended || r.Memory.IsRecommended)
                {
                    text.Append("    requests:\n");
                    if (r.Cpu.IsRecommended)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"      cpu: {r.Cpu.RequestText}\n");
                    }
                    if (r.Memory.IsRecommended)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"      memory: {r.Memory.RequestText}\n");
                    }
                }
                if (r.Memory.IsRecommended && r.Memory.LimitText is { } ml)
                {
                    text.Append(CultureInfo.InvariantCulture, $"    limits:\n      memory: {ml}\n");
                }
            }
            text.Append('\n');
        }
        text.Append(report.Summary()).Append('\n');
        return text.ToString();
    }

    public static string Name(ContainerKey k) =>
        k.Namespace is null && k.Workload is null ? $"container {k.Container}" : $"{k.Namespace ?? "*"}/{k.Workload ?? "*"} container {k.Container}";

    public static string History(UsageHistory h) => h.Samples == 0
        ? "no samples"
        : $"{h.Samples} samples covering {ResourceRecommender.Hours(h.CoveredHours)}, {h.First:yyyy-MM-dd HH:mm} to {h.Last:yyyy-MM-dd HH:mm} UTC";
}

/// <summary>JSON: the document `faultline resources check --recommendations` reads back.</summary>
internal static class RecommendJson
{
    public static string Render(RecommendReport report) => JsonText.Document(w =>
    {
        w.WriteString("source", report.Source);
        w.WriteString("strategy", report.StrategyName);
        w.WriteNumber("minHistoryHours", Math.Round(report.Options.MinHistory.TotalHours, 3));
        w.WriteStartObject("window");
        Time(w, "from", report.From);
        Time(w, "to", report.To);
        if (report.Step is { } step)
        {
            w.WriteNumber("stepSeconds", step.TotalSeconds);
        }
        else
        {
            w.WriteNull("stepSeconds");
        }
        w.WriteEndObject();
        w.WriteStartObject("summary");
        w.WriteNumber("containers", report.Recommendations.Count);
        w.WriteNumber("recommended", report.Recommended);
        w.WriteNumber("refused", report.Recommendations.Count - report.Recommended);
        w.WriteEndObject();
        w.WriteStartArray("recommendations");
        foreach (var r in report.Recommendations)
        {
            w.WriteStartObject();
            Str(w, "namespace", r.Key.Namespace);
            Str(w, "workload", r.Key.Workload);
            w.WriteString("container", r.Key.Container);
            Resource(w, r.Cpu);
            Resource(w, r.Memory);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void Resource(Utf8JsonWriter w, ResourceRecommendation r)
    {
        w.WriteStartObject(r.Resource);
        Str(w, "request", r.RequestText);
        Str(w, "limit", r.LimitText);
        Str(w, "lowerBound", r.LowerBound is { } lo ? ResourceUnits.Format(r.Resource, lo) : null);
        Str(w, "upperBound", r.UpperBound is { } hi ? ResourceUnits.Format(r.Resource, hi) : null);
        Str(w, "refusal", r.Refusal);
        w.WriteString("basis", r.Basis);
        if (r.Resource == "memory")
        {
            w.WriteNumber("oomKills", r.OomKills);
        }
        w.WriteStartObject("history");
        w.WriteNumber("samples", r.History.Samples);
        w.WriteNumber("coveredHours", Math.Round(r.History.CoveredHours, 3));
        Time(w, "first", r.History.First);
        Time(w, "last", r.History.Last);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? t) =>
        Str(w, name, t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
