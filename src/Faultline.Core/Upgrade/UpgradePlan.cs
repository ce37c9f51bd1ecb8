using Faultline.Core.Documents;

namespace Faultline.Core.Upgrade;

/// <summary>An object of the input as a plan names it: what, where, and who owns it.</summary>
public sealed record ObjectRef(string Kind, string Name, string? Namespace, string ApiVersion, SourceLocation Location, string Owner)
{
    /// <summary>"Ingress shop/web", or "FlowSchema api-clients" for a cluster-scoped object.</summary>
    public string Display => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}

/// <summary>When the move to the replacement API can ship, relative to the step that stops serving the old one.</summary>
public enum MigrationTiming
{
    /// <summary>The replacement is served by the step's from version: migrate, then upgrade.</summary>
    BeforeUpgrade,

    /// <summary>The replacement is served only from the step's to version: the migration ships with the upgrade.</summary>
    WithUpgrade,

    /// <summary>There is no replacement API; the object must go (or be replaced by something else) first.</summary>
    NoReplacement,

    /// <summary>The plan's starting version already does not serve it: the manifest cannot be applied today.</summary>
    AlreadyUnserved,
}

/// <summary>An object whose apiVersion the step's target no longer serves. Caveat says when its own fields make the
/// move more than a rename.</summary>
public sealed record RemovedObject(ObjectRef Object, ApiLifecycleEntry Api, MigrationTiming Timing, string? Caveat = null);

/// <summary>An object whose apiVersion is deprecated at the step's target and still served.</summary>
public sealed record DeprecatedObject(ObjectRef Object, ApiLifecycleEntry Api);

public enum NoteType
{
    /// <summary>The API stops being served at the step's target.</summary>
    Removed,

    /// <summary>The API becomes deprecated at the step's target: clients get warnings.</summary>
    Deprecated,
}

/// <summary>An API that changes at the step, whether or not the input uses it (tooling and scripts may).</summary>
public sealed record StepNote(NoteType Type, ApiLifecycleEntry Api, bool InInput);

public enum BlockerType
{
    /// <summary>A PodDisruptionBudget that allows no eviction: node drains hang.</summary>
    PdbBlocksDrain,

    /// <summary>A single-replica workload behind a Service: its node's drain is an outage.</summary>
    SingleReplica,
}

public sealed record Blocker(BlockerType Type, ObjectRef Object, string Message);

public enum SkewStatus
{
    Ok,
    Violation,

    /// <summary>The rule applies but no version was given to check it against.</summary>
    Guidance,
}

/// <summary>Where a component version came from: a command-line value or an object of the input.</summary>
public sealed record VersionSource(string Name, SourceLocation? Location);

/// <summary>A component version seen in the input or given on the command line.</summary>
public sealed record ComponentVersion(string Component, KubeVersion Version, VersionSource Source);

/// <summary>One rule of the Kubernetes version skew policy, applied to the step.</summary>
public sealed record SkewCheck(string Component, string Policy, KubeVersion? Version, IReadOnlyList<VersionSource> Sources, SkewStatus Status, string Message);

public enum AddonStatus
{
    Supported,
    Unsupported,

    /// <summary>The add-on's version or its compatibility row is not in our data.</summary>
    Unknown,
}

/// <summary>An add-on found by image, and whether its release line is supported on the step's target.</summary>
public sealed record AddonCheck(
    string Addon,
    string Image,
    string? Line,
    ObjectRef Workload,
    AddonRelease? Release,
    AddonStatus Status,
    string? FirstSupporting,
    string Source,
    string Message);

/// <summary>A Helm chart's metadata (Chart.yaml) as found in the input.</summary>
public sealed record HelmChart(string Name, string? Version, string? KubeVersion, SourceLocation Location, string Owner);

public enum ChartStatus
{
    Allows,
    Excludes,

    /// <summary>No kubeVersion: Helm installs the chart on any Kubernetes version.</summary>
    NoConstraint,

    /// <summary>The constraint could not be read; check it by hand.</summary>
    Invalid,
}

public sealed record ChartCheck(HelmChart Chart, ChartStatus Status, string Message);

public enum ChecklistPhase
{
    Before,
    During,
    After,
}

public sealed record ChecklistItem(ChecklistPhase Phase, string Owner, string Text);

/// <summary>One minor upgrade, from one Kubernetes release to the next, and everything that has to happen for it.</summary>
public sealed record UpgradeStep
{
    public required KubeVersion From { get; init; }

    public required KubeVersion To { get; init; }

    public required IReadOnlyList<RemovedObject> Removed { get; init; }

    public required IReadOnlyList<DeprecatedObject> Deprecated { get; init; }

    public required IReadOnlyList<StepNote> Notes { get; init; }

    public required IReadOnlyList<Blocker> Blockers { get; init; }

    public required IReadOnlyList<SkewCheck> Skew { get; init; }

    public required IReadOnlyList<AddonCheck> Addons { get; init; }

    public required IReadOnlyList<ChartCheck> Charts { get; init; }

    public required IReadOnlyList<ChecklistItem> Checklist { get; init; }

    public required string Rollback { get; init; }

    /// <summary>Things that stop the step as planned: removed APIs in use, drain blockers, skew violations,
    /// add-ons known not to support the target, charts that refuse it.</summary>
    public int Problems => ProblemKeys.Count();

    /// <summary>One key per problem, the same in every step it stops, so a plan can count each thing to fix once.</summary>
    public IEnumerable<(string Kind, string Key)> ProblemKeys =>
        Removed.Select(r => ("removed", r.Object.Location.ToString()))
            .Concat(Blockers.Select(b => ("blocker", $"{b.Type} {b.Object.Location}")))
            .Concat(Skew.Where(s => s.Status == SkewStatus.Violation).Select(s => ("skew", $"{s.Component} {s.Version}")))
            .Concat(Addons.Where(a => a.Status == AddonStatus.Unsupported).Select(a => ("addon", $"{a.Addon} {a.Workload.Location}")))
            .Concat(Charts.Where(c => c.Status == ChartStatus.Excludes).Select(c => ("chart", c.Chart.Location.ToString())));
}

/// <summary>The path from one Kubernetes release to another, one minor at a time.</summary>
public sealed record UpgradePlan(
    KubeVersion From,
    KubeVersion To,
    IReadOnlyList<UpgradeStep> Steps,
    KubeVersion LastKnownRelease,
    string AddonDataAsOf)
{
    public bool Passed => Steps.All(s => s.Problems == 0);

    /// <summary>Things to fix, each counted once although a drain blocker, say, stops every step.</summary>
    public int Problems => Steps.SelectMany(s => s.ProblemKeys).Distinct().Count();

    /// <summary>Distinct things to fix of one kind: removed, blocker, skew, addon or chart.</summary>
    public int ProblemsOf(string kind) => Steps.SelectMany(s => s.ProblemKeys).Where(k => k.Kind == kind).Distinct().Count();
}
