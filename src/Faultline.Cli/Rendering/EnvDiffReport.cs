using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Core.Findings;
using Faultline.Sources.Inputs;

namespace Faultline.Cli.Rendering;

/// <summary>Everything a renderer may show about one `env diff` run. Renderers only format it.</summary>
internal sealed record EnvDiffReport(
    EnvDiffResult Result,
    EnvInput A,
    EnvInput B,
    int ObjectsA,
    int ObjectsB,
    string? ExpectedFile,
    Severity? FailOn,
    IReadOnlyList<InputDiagnostic> Diagnostics)
{
    public string FailOnName => FailOn?.Name() ?? "none";

    public int FailingCount => Result.Failing(FailOn);

    public static string Location(SourceLocation? where) =>
        where is { } w ? (w.Line > 0 ? $"{Paths.Uri(Paths.FileOnly(w.File))}:{w.Line}" : Paths.Uri(Paths.FileOnly(w.File))) : "";

    public string Summary()
    {
        var r = Result;
        var bySeverity = Enum.GetValues<Severity>().Reverse()
            .Select(s => (s, n: r.Count(s)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.s.Name()}");
        var counts = r.Differences.Count == 0 ? "no differences" : $"{r.Differences.Count} difference{(r.Differences.Count == 1 ? "" : "s")} ({string.Join(", ", bySeverity)})";
        var expected = r.Expected.Count > 0 ? $", {r.Expected.Count} expected" : "";
        var failing = FailOn is null ? "fail-on none" : $"{FailingCount} at or above {FailOnName}";
        return $"{counts}{expected}; {r.Matched} objects in both, {r.OnlyInA} only in {r.LabelA}, {r.OnlyInB} only in {r.LabelB}; {failing}";
    }
}
