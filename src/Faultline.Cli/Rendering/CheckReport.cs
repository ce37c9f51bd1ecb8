using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Sources.Inputs;

namespace Faultline.Cli.Rendering;

/// <summary>Everything a renderer may show about one check run. Renderers only format it.</summary>
internal sealed record CheckReport(
    CheckResult Result,
    SystemModel Model,
    ManifestSet Input,
    IReadOnlyList<InputDiagnostic> Diagnostics,
    CheckSettings Settings)
{
    /// <summary>Lower scopes' attempts to change keys the managed settings lock (audit ones appear only in JSON).</summary>
    public IReadOnlyList<Faultline.Sources.Settings.LockAttempt> LockAttempts { get; init; } = [];

    /// <summary>In change mode, what the head was compared with.</summary>
    public string? BaseLabel { get; init; }

    public static string Version { get; } =
        typeof(CheckReport).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public int FailingCount => Settings.FailOn is { } t ? Result.Findings.Count(f => f.Severity >= t) : 0;

    public string FailOnName => Settings.FailOn?.Name() ?? "none";

    public string Summary()
    {
        var findings = Result.Findings;
        var bySeverity = Enum.GetValues<Severity>().Reverse()
            .Select(s => (s, n: findings.Count(f => f.Severity == s)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.s.Name()}");
        var counts = findings.Count == 0 ? "no findings" : $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")} ({string.Join(", ", bySeverity)})";
        var services = Model.Services.Count;
        var suppressed = Result.Suppressed.Count > 0 ? $", {Result.Suppressed.Count} suppressed" : "";
        var failing = Settings.FailOn is null ? "fail-on none" : $"{FailingCount} at or above {FailOnName}";
        var change = BaseLabel is null ? "" : $"; compared with {BaseLabel}: {findings.Count(f => f.Change == "introduced")} introduced, {findings.Count(f => f.Change == "worse")} worse";
        return $"{counts}{suppressed}; {Input.Manifests.Count} objects, {services} services, {Input.FilesRead} files{change}; {failing}";
    }
}
