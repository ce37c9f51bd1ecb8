using System.Globalization;
using System.Text;
using Faultline.Core.Judge;

namespace Faultline.Cli.Rendering;

/// <summary>The canary judge's verdict as text (a table and one sentence per metric) or JSON (schemaVersion 1).</summary>
internal static class JudgeReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Text(JudgeResult result, JudgeSettings settings)
    {
        var sb = new StringBuilder();
        sb.Append(result.Summary).Append('\n');
        sb.Append("scoreboards: infrastructure ").Append(Name(result.Infrastructure.Verdict))
            .Append(", quality ").Append(Name(result.Quality.Verdict)).Append('\n');
        if (result.Metrics.Count > 0)
        {
            var first = result.Metrics[0].Evidence;
            sb.Append('\n');
            var rows = new List<string[]> { new[] { "metric", "board", "verdict", "effect", "limit", "interval", "rollback e", "promote e", "samples b/c" } };
            foreach (var m in result.Metrics)
            {
                var f = Formatter(m.Name, settings);
                rows.Add(
                [
                    m.Name,
                    m.Scoreboard.ToString().ToLowerInvariant(),
                    Name(m.Verdict),
                    m.Effect is { } e ? f(e) : "-",
                    f(m.Limit),
                    $"{(m.Interval.Lower is { } lo ? f(lo) : "?")} .. {(m.Interval.Upper is { } hi ? f(hi) : "?")}",
                    Short(m.Evidence.Rollback),
                    Short(m.Evidence.Promote),
                    $"{m.Samples.Baseline.ToString("N0", Invariant)}/{m.Samples.Canary.ToString("N0", Invariant)}",
                ]);
            }
            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
            {
                sb.Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
            }
            sb.Append("(intervals: lower end at ").Append(Percent(1 - 1 / first.RollbackThreshold)).Append(", upper end at ")
                .Append(Percent(1 - 1 / first.PromoteThreshold)).Append(" confidence, valid at every look;\n")
                .Append(" a rollback needs a rollback e-value of ").Append(Short(first.RollbackThreshold))
                .Append(", a promotion a promote e-value of ").Append(Short(first.PromoteThreshold))
                .Append(" on every metric and ").Append(settings.MinSamples.ToString("N0", Invariant)).Append(" samples per side)\n\n");
            foreach (var m in result.Metrics)
            {
                sb.Append(m.Name).Append(": ").Append(m.Reason).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The same document the server answers with (written by <see cref="Faultline.Server.Analyses.JudgeJson"/>), under the CLI's header.</summary>
    public static string Json(JudgeResult result, JudgeSettings settings) =>
        JsonText.Document(w => Faultline.Server.Analyses.JudgeJson.WriteFields(w, result, settings));

    private static string Percent(double p) => (p * 100).ToString("0.##", Invariant) + "%";

    public static string Name(Verdict? verdict) => verdict?.ToString().ToLowerInvariant() ?? "none";

    private static Func<double, string> Formatter(string metric, JudgeSettings settings) =>
        settings.Metrics.FirstOrDefault(m => m.Name == metric) switch
        {
            ErrorRateMetric => d => (d >= 0 ? "+" : "") + (d * 100).ToString("0.###", Invariant) + " pp",
            LatencyMetric => r => r.ToString("0.###", Invariant) + "x",
            _ => d => (d >= 0 ? "+" : "") + d.ToString("0.####", Invariant),
        };

    internal static string Short(double v) => v switch
    {
        >= 1e6 => v.ToString("0.#e+0", Invariant),
        >= 100 => v.ToString("N0", Invariant),
        >= 0.01 => v.ToString("0.##", Invariant),
        _ => v.ToString("0.#e+0", Invariant),
    };
}
