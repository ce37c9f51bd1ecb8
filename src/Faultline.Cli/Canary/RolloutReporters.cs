using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Faultline.Cli.Rendering;
using Faultline.Core.Canary;
using Faultline.Core.Judge;

namespace Faultline.Cli.Canary;

/// <summary>What a rollout tells its user as it goes.</summary>
internal interface IRolloutReporter
{
    void Opened(RolloutSpec spec, RolloutState state);

    void RouterStarted(Uri listen, Uri? admin);

    void StepStarted(RolloutSpec spec, RolloutState state);

    void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed);

    void Decided(RolloutState state, Decided decision);

    void Finished(RolloutState state, RolloutOutcome outcome);

    void Note(string message);
}

internal static class RolloutText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Step(RolloutSpec spec, RolloutState state) =>
        state.Step < spec.Steps.Count ? $"step {state.Step + 1}/{spec.Steps.Count} ({state.Weight}% canary)" : "100% canary";

    public static string Outcome(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.Completed => "completed: 100% of traffic on the canary",
        RolloutOutcome.RolledBack => "rolled back: 0% of traffic on the canary",
        _ => "paused: no decision; run the rollout again to resume this step",
    };

    public static string Samples(JudgeResult r) =>
        $"{r.Samples.Baseline.ToString("N0", Invariant)} baseline / {r.Samples.Canary.ToString("N0", Invariant)} canary requests";

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("HH:mm:ss", Invariant);
}

/// <summary>One line per event, for logs and CI (stdout is not a terminal).</summary>
internal sealed class PlainRolloutReporter(TextWriter output, TimeProvider clock) : IRolloutReporter
{
    private void Line(string text)
    {
        output.WriteLine($"{RolloutText.Time(clock.GetUtcNow())} {text}");
        output.Flush();
    }

    public void Opened(RolloutSpec spec, RolloutState state) =>
        Line(state.Phase == RolloutPhase.NotStarted
            ? $"rollout {spec.Name}: {spec.Steps.Count} steps ({string.Join(", ", spec.Steps.Select(s => s.Weight + "%"))}), a look every {RolloutRunner.Format(spec.Interval)}"
            : $"rollout {spec.Name}: stored state {Commands.CanaryRunCommand.Phase(state.Phase)} at {RolloutText.Step(spec, state)}");

    public void RouterStarted(Uri listen, Uri? admin) =>
        Line($"router listening on {listen}{(admin is null ? "" : $", admin API on {admin}")}");

    public void StepStarted(RolloutSpec spec, RolloutState state) => Line($"{RolloutText.Step(spec, state)} started");

    public void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed) =>
        Line($"{RolloutText.Step(spec, state)} look {result.Looks}: {RolloutText.Samples(result)}: {JudgeReport.Name(result.Verdict)}" +
             string.Concat(result.Metrics.Select(m => $" | {m.Name} {(m.Effect is { } e ? Effect(m, e) : "-")} {JudgeReport.Name(m.Verdict)}")));

    public void Decided(RolloutState state, Decided decision) =>
        Line($"decision at step {decision.Step + 1}: {decision.Action.ToString().ToLowerInvariant()} ({decision.Summary})");

    public void Finished(RolloutState state, RolloutOutcome outcome) => Line(RolloutText.Outcome(outcome));

    public void Note(string message) => Line(message);

    internal static string Effect(MetricResult m, double e) => m.Name == "errors"
        ? (e * 100).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + "pp"
        : e.ToString("0.00", CultureInfo.InvariantCulture) + "x";
}

/// <summary>A block redrawn in place on a terminal: step, weight, samples per side, each metric and the verdict.</summary>
internal sealed class LiveRolloutReporter(TextWriter output, TimeProvider clock) : IRolloutReporter
{
    private readonly PlainRolloutReporter _lines = new(output, clock);
    private int _drawn;

    public void Opened(RolloutSpec spec, RolloutState state) => _lines.Opened(spec, state);

    public void RouterStarted(Uri listen, Uri? admin) => _lines.RouterStarted(listen, admin);

    public void StepStarted(RolloutSpec spec, RolloutState state)
    {
        _drawn = 0;
        _lines.StepStarted(spec, state);
    }

    public void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed)
    {
        var block = new StringBuilder();
        var step = state.Step < spec.Steps.Count ? spec.Steps[state.Step] : null;
        block.Append(CultureInfo.InvariantCulture, $"  {spec.Name}  {RolloutText.Step(spec, state)}  {RolloutRunner.Format(stepElapsed)} of {(step is null ? "-" : RolloutRunner.Format(step.MaxDuration))}\n");
        block.Append(CultureInfo.InvariantCulture, $"  samples   baseline {result.Samples.Baseline,10:N0}   canary {result.Samples.Canary,10:N0}   (promotion needs {(step?.MinSamples ?? 0):N0} per side)\n");
        foreach (var m in result.Metrics)
        {
            var effect = m.Effect is { } e ? PlainRolloutReporter.Effect(m, e) : "-";
            var limit = PlainRolloutReporter.Effect(m, m.Limit);
            block.Append(CultureInfo.InvariantCulture, $"  {m.Name,-16} {effect,9} (limit {limit,8})  rollback e {JudgeReport.Short(m.Evidence.Rollback),8}  promote e {JudgeReport.Short(m.Evidence.Promote),8}  {JudgeReport.Name(m.Verdict)}\n");
        }
        block.Append(CultureInfo.InvariantCulture, $"  verdict   {JudgeReport.Name(result.Verdict)}: {result.Summary}\n");
        if (_drawn > 0)
        {
            output.Write($"\u001b[{_drawn}F\u001b[J");
        }
        var text = block.ToString();
        output.Write(text);
        output.Flush();
        _drawn = text.Count(c => c == '\n');
    }

    public void Decided(RolloutState state, Decided decision)
    {
        _drawn = 0;
        _lines.Decided(state, decision);
    }

    public void Finished(RolloutState state, RolloutOutcome outcome) => _lines.Finished(state, outcome);

    public void Note(string message)
    {
        _drawn = 0;
        _lines.Note(message);
    }
}

/// <summary>One JSON object per line and event (schemaVersion 1), for programs that follow a rollout.</summary>
internal sealed class JsonRolloutReporter(TextWriter output, TimeProvider clock) : IRolloutReporter
{
    private void Event(string kind, Action<Utf8JsonWriter> fields)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("event", kind);
            w.WriteString("at", clock.GetUtcNow().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            fields(w);
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        output.Flush();
    }

    public void Opened(RolloutSpec spec, RolloutState state) => Event("opened", w =>
    {
        w.WriteString("rollout", spec.Name);
        w.WriteString("phase", Commands.CanaryRunCommand.Phase(state.Phase));
        w.WriteNumber("step", state.Step);
        w.WriteNumber("weight", state.Weight);
    });

    public void RouterStarted(Uri listen, Uri? admin) => Event("router-started", w =>
    {
        w.WriteString("listen", listen.AbsoluteUri);
        if (admin is not null)
        {
            w.WriteString("admin", admin.AbsoluteUri);
        }
    });

    public void StepStarted(RolloutSpec spec, RolloutState state) => Event("step-started", w =>
    {
        w.WriteNumber("step", state.Step);
        w.WriteNumber("weight", state.Weight);
    });

    public void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed) => Event("look", w =>
    {
        w.WriteNumber("step", state.Step);
        w.WriteNumber("weight", state.Weight);
        w.WriteString("verdict", JudgeReport.Name(result.Verdict));
        w.WriteString("summary", result.Summary);
        w.WriteStartObject("samples");
        w.WriteNumber("baseline", result.Samples.Baseline);
        w.WriteNumber("canary", result.Samples.Canary);
        w.WriteEndObject();
        w.WriteStartArray("metrics");
        foreach (var m in result.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteString("verdict", JudgeReport.Name(m.Verdict));
            if (m.Effect is { } e)
            {
                w.WriteNumber("effect", e);
            }
            else
            {
                w.WriteNull("effect");
            }
            w.WriteNumber("limit", m.Limit);
            w.WriteNumber("rollbackEvidence", m.Evidence.Rollback);
            w.WriteNumber("promoteEvidence", m.Evidence.Promote);
            w.WriteString("reason", m.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("missing");
        foreach (var m in result.Missing)
        {
            w.WriteStringValue(m);
        }
        w.WriteEndArray();
    });

    public void Decided(RolloutState state, Decided decision) => Event("decision", w =>
    {
        w.WriteNumber("step", decision.Step);
        w.WriteString("verdict", JudgeReport.Name(decision.Verdict));
        w.WriteString("action", decision.Action.ToString().ToLowerInvariant());
        w.WriteString("summary", decision.Summary);
    });

    public void Finished(RolloutState state, RolloutOutcome outcome) => Event("finished", w =>
    {
        w.WriteString("outcome", outcome switch { RolloutOutcome.Completed => "completed", RolloutOutcome.RolledBack => "rolled-back", _ => "paused" });
        w.WriteNumber("weight", state.Weight);
        if (state.Reason is { } reason)
        {
            w.WriteString("reason", reason);
        }
    });

    public void Note(string message) => Event("note", w => w.WriteString("message", message));
}
