using Faultline.Core.Findings;
using Faultline.Core.Resources;
using Faultline.Core.Upgrade;

namespace Faultline.Core.Settings;

/// <summary>
/// The effective settings of a check, already merged from every scope. Rule parameters are data: each rule
/// reads its own from <see cref="RuleParameters"/> by name and falls back to its defaults.
/// </summary>
public sealed record CheckSettings
{
    public static readonly CheckSettings Default = new();

    /// <summary>The lowest severity that fails the run; null never fails.</summary>
    public Severity? FailOn { get; init; } = Severity.High;

    public IReadOnlySet<string> Disabled { get; init; } = new HashSet<string>();

    /// <summary>Rules enabled explicitly; they win over <see cref="Disabled"/>.</summary>
    public IReadOnlySet<string> Enabled { get; init; } = new HashSet<string>();

    public IReadOnlyDictionary<string, Severity> SeverityOverrides { get; init; } = new Dictionary<string, Severity>();

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> RuleParameters { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>();

    /// <summary>Expected startup seconds per workload name ("*" for every workload), for probe.startup-too-short.</summary>
    public IReadOnlyDictionary<string, int> StartupSeconds { get; init; } = new Dictionary<string, int>();

    /// <summary>The Kubernetes release the manifests will be applied to; the api.* rules check nothing without it.</summary>
    public KubeVersion? KubernetesVersion { get; init; }

    /// <summary>
    /// Recommended requests and limits from observed usage (`faultline resources check --recommendations`);
    /// resources.request-far-from-usage checks nothing without them.
    /// </summary>
    public IReadOnlyList<ContainerRecommendation>? ResourceRecommendations { get; init; }

    /// <summary>Glob patterns of input files not to read (e.g. "**/test/**", "charts/*/templates/**").</summary>
    public IReadOnlyList<string> IgnorePaths { get; init; } = [];

    public bool IsEnabled(string ruleId) => Enabled.Contains(ruleId) || !Disabled.Contains(ruleId);

    public IReadOnlyList<string>? Parameter(string ruleId, string name) =>
        RuleParameters.TryGetValue(ruleId, out var p) && p.TryGetValue(name, out var v) ? v : null;
}
