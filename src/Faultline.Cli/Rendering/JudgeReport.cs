using System.Globalization;
using System.Text;
using System.Text.Json;
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

    public static string Json(JudgeResult result, JudgeSettings settings)
    {
        return JsonText.Document(w =>
        {
            w.WriteString("verdict", Name(result.Verdict));
            if (result.Regression is { } regression)
            {
                w.WriteString("regression", regression);
            }
            else
            {
                w.WriteNull("regression");
            }
            w.WriteString("summary", result.Summary);
            w.WriteStartObject("decidedAfter");
            w.WriteNumber("baseline", result.Samples.Baseline);
            w.WriteNumber("canary", result.Samples.Canary);
            w.WriteEndObject();
            w.WriteNumber("looks", result.Looks);
            WriteNullable(w, "samplesNeeded", result.SamplesNeeded);
            w.WriteStartArray("missing");
            foreach (var m in result.Missing)
            {
                w.WriteStringValue(m);
            }
            w.WriteEndArray();
            w.WriteNumber("alpha", settings.Alpha);
            w.WriteNumber("minSamples", settings.MinSamples);
            w.WriteStartObject("scoreboards");
            foreach (var board in new[] { result.Infrastructure, result.Quality })
            {
                w.WriteStartObject(board.Scoreboard.ToString().ToLowerInvariant());
                if (board.Verdict is { } v)
                {
                    w.WriteString("verdict", Name(v));
                }
                else
                {
                    w.WriteNull("verdict");
                }
                w.WriteStartArray("metrics");
                foreach (var name in board.Metrics)
                {
                    w.WriteStringValue(name);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("metrics");
            foreach (var m in result.Metrics)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                w.WriteString("scoreboard", m.Scoreboard.ToString().ToLowerInvariant());
                w.WriteString("verdict", Name(m.Verdict));
                w.WriteString("measure", m.Measure);
                WriteNullable(w, "effect", m.Effect);
                WriteNullable(w, "limit", m.Limit);
                w.WriteStartObject("interval");
                WriteNullable(w, "lower", m.Interval.Lower);
                WriteNullable(w, "upper", m.Interval.Upper);
                w.WriteEndObject();
                w.WriteStartObject("evidence");
                WriteNullable(w, "rollback", m.Evidence.Rollback);
                WriteNullable(w, "rollbackThreshold", m.Evidence.RollbackThreshold);
                WriteNullable(w, "promote", m.Evidence.Promote);
                WriteNullable(w, "promoteThreshold", m.Evidence.PromoteThreshold);
                w.WriteEndObject();
                w.WriteStartObject("samples");
                w.WriteNumber("baseline", m.Samples.Baseline);
                w.WriteNumber("canary", m.Samples.Canary);
                w.WriteEndObject();
                WriteNullable(w, "samplesNeeded", m.SamplesNeeded);
                w.WriteString("reason", m.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static string Percent(double p) => (p * 100).ToString("0.##", Invariant) + "%";

    public static string Name(Verdict? verdict) => verdict?.ToString().ToLowerInvariant() ?? "none";

    /// <summary>Numbers rounded to 6 significant digits, so output does not depend on the last bits of a float.</summary>
    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, double.Parse(v.ToString("G6", Invariant), Invariant));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static Func<double, string> Formatter(string metric, JudgeSettings settings) =>
        settings.Metrics.FirstOrDefault(m => m.Name == metric) switch
        {
            ErrorRateMetric => d => (d >= 0 ? "+" : "") + (d * 100).ToString("0.###", Invariant) + " pp",
            LatencyMetric => r => r.ToString("0.###", Invariant) + "x",
            _ => d => (d >= 0 ? "+" : "") + d.ToString("0.####", Invariant),
        };

    private static string Short(double v) => v switch
    {
        >= 1e6 => v.ToString("0.#e+0", Invariant),
        >= 100 => v.ToString("N0", Invariant),
        >= 0.01 => v.ToString("0.##", Invariant),
        _ => v.ToString("0.#e+0", Invariant),
    };
}
