using System.Globalization;
using System.Text.Json;
using Faultline.Core.Judge;

namespace Faultline.Server.Analyses;

/// <summary>
/// The judge's verdict in the shape <c>faultline canary judge --format json</c> prints (verdict, regression,
/// summary, decidedAfter, looks, samplesNeeded, missing, alpha, minSamples, scoreboards, metrics[]), so one
/// reader understands both.
/// </summary>
public static class JudgeJson
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void WriteFields(Utf8JsonWriter w, JudgeResult result, JudgeSettings settings)
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
        Nullable(w, "samplesNeeded", result.SamplesNeeded);
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
            Nullable(w, "effect", m.Effect);
            Nullable(w, "limit", m.Limit);
            w.WriteStartObject("interval");
            Nullable(w, "lower", m.Interval.Lower);
            Nullable(w, "upper", m.Interval.Upper);
            w.WriteEndObject();
            w.WriteStartObject("evidence");
            Nullable(w, "rollback", m.Evidence.Rollback);
            Nullable(w, "rollbackThreshold", m.Evidence.RollbackThreshold);
            Nullable(w, "promote", m.Evidence.Promote);
            Nullable(w, "promoteThreshold", m.Evidence.PromoteThreshold);
            w.WriteEndObject();
            w.WriteStartObject("samples");
            w.WriteNumber("baseline", m.Samples.Baseline);
            w.WriteNumber("canary", m.Samples.Canary);
            w.WriteEndObject();
            Nullable(w, "samplesNeeded", m.SamplesNeeded);
            w.WriteString("reason", m.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string Name(Verdict verdict) => verdict.ToString().ToLowerInvariant();

    /// <summary>Numbers rounded to 6 significant digits, so answers do not depend on the last bits of a float.</summary>
    public static void Nullable(Utf8JsonWriter w, string name, double? value)
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

    private static void Nullable(Utf8JsonWriter w, string name, long? value)
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
}
