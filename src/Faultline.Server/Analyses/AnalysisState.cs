using System.Globalization;
using System.Text.Json;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;

namespace Faultline.Server.Analyses;

/// <summary>
/// An analysis as its events say: the definition, the generation (each new definition or Flagger checksum
/// starts one, with a fresh judge), where the next look starts, and the judge fed with every look in order.
/// The judge is deterministic, so any replica replaying the same events reaches the same verdict.
/// </summary>
internal sealed class AnalysisState(string name, IAnalysisEngine engine)
{
    public const string Created = "created";
    public const string Restarted = "restarted";
    public const string Look = "look";

    public string Name { get; } = name;

    public long Version { get; private set; }

    public int Generation { get; private set; }

    public string? Definition { get; private set; }

    public AnalysisPlan? Plan { get; private set; }

    /// <summary>Why the stored definition cannot be used any more (a judge that is broken, not a verdict).</summary>
    public string? Broken { get; private set; }

    public CanaryJudge? Judge { get; private set; }

    public string? Checksum { get; private set; }

    public DateTimeOffset WindowStart { get; private set; }

    public DateTimeOffset? LastLookAt { get; private set; }

    /// <summary>What the last look could not read; empty after a complete look.</summary>
    public IReadOnlyList<string> LastMissing { get; private set; } = [];

    public int LooksInGeneration { get; private set; }

    public bool Exists => Definition is not null;

    public void Apply(long version, string kind, string data)
    {
        Version = version;
        switch (kind)
        {
            case Created:
                {
                    using var doc = JsonDocument.Parse(data);
                    Definition = doc.RootElement.GetProperty("definition").GetRawText();
                    var problems = new List<string>();
                    Plan = engine.Plan(Definition, problems);
                    Broken = Plan is null ? $"the stored definition of analysis '{Name}' is no longer valid: {string.Join("; ", problems)}" : null;
                    Checksum = null;
                    StartGeneration(At(doc.RootElement));
                    break;
                }
            case Restarted:
                {
                    using var doc = JsonDocument.Parse(data);
                    Checksum = doc.RootElement.TryGetProperty("checksum", out var c) ? c.GetString() : null;
                    StartGeneration(At(doc.RootElement));
                    break;
                }
            case Look:
                {
                    var look = LookRecords.Read(data);
                    LastLookAt = look.To;
                    LastMissing = look.Missing;
                    if (look.Missing.Count == 0 && Judge is not null)
                    {
                        Judge.Look(Batch(look.Baseline), Batch(look.Canary), explain: false);
                        LooksInGeneration++;
                        WindowStart = look.To;
                    }
                    break;
                }
            default:
                // Unknown kinds come from newer replicas; they do not change what this one judges.
                break;
        }
    }

    private void StartGeneration(DateTimeOffset at)
    {
        Generation++;
        WindowStart = at;
        LastLookAt = null;
        LastMissing = [];
        LooksInGeneration = 0;
        Judge = Plan is { } plan ? new CanaryJudge(plan.Judge) : null;
    }

    private static ArmBatch Batch(IntervalAggregate? aggregate) => aggregate is { } a ? ArmBatch.Of(a) : ArmBatch.Empty;

    private static DateTimeOffset At(JsonElement root) =>
        DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The verdict now: the judge's, turned to hold (never promote) when the last look could not read everything.</summary>
    /// <remarks>Without <paramref name="explain"/> (Argo and Flagger only need the verdict) intervals and sentences are skipped, which is most of a look's CPU.</remarks>
    public JudgeResult Result(bool explain = true)
    {
        var result = Judge!.Result(explain).Holding(LastMissing);
        return explain || result.Summary.Length > 0 ? result : result with { Summary = Brief(result) };
    }

    private static string Brief(JudgeResult r)
    {
        var after = $"after {r.Samples.Baseline:N0} baseline and {r.Samples.Canary:N0} canary requests ({r.Looks} look{(r.Looks == 1 ? "" : "s")})";
        return r.Verdict switch
        {
            Verdict.Rollback => $"rollback: {r.Regression} regression in {string.Join(", ", r.Metrics.Where(m => m.Verdict == Verdict.Rollback).Select(m => m.Name))} {after}",
            Verdict.Promote => $"promote: every metric within tolerance {after}",
            Verdict.Hold => $"hold: {string.Join("; ", r.Missing)} {after}",
            _ => $"continue: not decided {after}",
        };
    }
}
