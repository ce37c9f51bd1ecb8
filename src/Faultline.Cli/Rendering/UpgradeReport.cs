using Faultline.Core.Upgrade;
using Faultline.Sources.Inputs;

namespace Faultline.Cli.Rendering;

/// <summary>Everything an upgrade plan renderer may show. Renderers only format it.</summary>
internal sealed record UpgradeReport(UpgradePlan Plan, ManifestSet Input)
{
    public int Problems => Plan.Problems;

    public string Path => string.Join(" → ", Plan.Steps.Select(s => s.From.ToString()).Append(Plan.To.ToString()));

    public string InputSummary =>
        $"{Input.Manifests.Count} objects in {Input.FilesRead} files, {Input.Charts.Count} Helm chart{(Input.Charts.Count == 1 ? "" : "s")}";

    public string DataSummary =>
        $"API lifecycle data up to Kubernetes {Plan.LastKnownRelease}; add-on data as of {Plan.AddonDataAsOf}";

    public static string Where(Core.Documents.SourceLocation location) =>
        location.Line > 0 ? $"{Paths.Uri(location.File)}:{location.Line}" : Paths.Uri(location.File);

    public static string Timing(RemovedObject r) => r.Timing switch
    {
        MigrationTiming.BeforeUpgrade => "before the upgrade",
        MigrationTiming.WithUpgrade => "with the upgrade",
        MigrationTiming.NoReplacement => "no replacement: retire it",
        _ => $"now: not served since {r.Api.RemovedIn}",
    };

    public static string Replacement(ApiLifecycleEntry api) =>
        api.ReplacementText is { } text ? $"{text} (since {api.ReplacementAvailableIn})" : "none";

    public static string Status(SkewStatus s) => s switch
    {
        SkewStatus.Ok => "ok",
        SkewStatus.Violation => "violation",
        _ => "to do",
    };

    public static string Status(AddonStatus s) => s switch
    {
        AddonStatus.Supported => "supported",
        AddonStatus.Unsupported => "not supported",
        _ => "unknown",
    };

    public static string Status(ChartStatus s) => s switch
    {
        ChartStatus.Allows => "admits",
        ChartStatus.Excludes => "excludes",
        ChartStatus.NoConstraint => "no constraint",
        _ => "unreadable",
    };

    public static string Phase(ChecklistPhase p) => p switch
    {
        ChecklistPhase.Before => "Before the upgrade",
        ChecklistPhase.During => "During the upgrade",
        _ => "After the upgrade",
    };

    public static string Sources(SkewCheck k) =>
        k.Sources.Count == 0 ? "" : string.Join(", ", k.Sources.Select(s => s.Location is { } l ? $"{s.Name} at {Where(l)}" : s.Name).Distinct());
}
