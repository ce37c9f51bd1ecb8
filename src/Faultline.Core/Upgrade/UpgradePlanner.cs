using Faultline.Core.Documents;
using Faultline.Core.Model;

namespace Faultline.Core.Upgrade;

/// <summary>What to plan: the versions, the system as its manifests describe it, and what else is known about the cluster.</summary>
public sealed record UpgradeRequest
{
    public required KubeVersion From { get; init; }

    public required KubeVersion To { get; init; }

    public required SystemModel Model { get; init; }

    /// <summary>Kubelet versions given on the command line; Node objects of the input are added to them.</summary>
    public IReadOnlyList<KubeVersion> KubeletVersions { get; init; } = [];

    public IReadOnlyList<HelmChart> Charts { get; init; } = [];
}

/// <summary>
/// Plans a Kubernetes upgrade as one step per minor release (kubeadm and every managed service move one minor at
/// a time) and says, for each step, what in the input breaks, what blocks the node drains, which skew rules apply,
/// which add-ons and charts need to move first, and what to do in which order.
/// </summary>
public sealed class UpgradePlanner(ApiLifecycle lifecycle, AddonCatalog addons)
{
    public static UpgradePlanner Builtin { get; } = new(ApiLifecycle.Builtin, AddonCatalog.Builtin);

    public UpgradePlan Plan(UpgradeRequest request)
    {
        var (from, to) = (request.From, request.To);
        // The command line validates versions with messages for people; here a bad request is a caller's bug.
        if (!lifecycle.IsKnown(from) || !lifecycle.IsKnown(to) || to <= from)
        {
            throw new ArgumentException($"cannot plan {from} -> {to}: versions must rise within {lifecycle.FirstPlannableRelease} to {lifecycle.LastKnownRelease}");
        }
        var model = request.Model;
        var objects = model.Manifests
            .Select(m => (Manifest: m, Api: lifecycle.Find(m.ApiVersion, m.Kind)))
            .Where(x => x.Api is not null)
            .Select(x => (x.Manifest, Api: x.Api!, Ref: Ref(model, x.Manifest)))
            .OrderBy(x => x.Manifest.Location.File, StringComparer.Ordinal)
            .ThenBy(x => x.Manifest.Location.Line)
            .ToList();
        var blockers = Blockers(model);
        var versions = request.KubeletVersions.Select(v => new ComponentVersion(SkewPolicy.Kubelet, v, new VersionSource("--kubelet-version", null)))
            .Concat(SkewPolicy.FromModel(model))
            .ToList();
        var found = FindAddons(model);
        var used = objects.Select(o => o.Api).ToHashSet();

        var steps = new List<UpgradeStep>();
        for (var s = from; s < to; s = s.Plus(1))
        {
            var t = s.Plus(1);
            var first = s == from;
            var removed = new List<RemovedObject>();
            var deprecated = new List<DeprecatedObject>();
            foreach (var (manifest, api, reference) in objects)
            {
                if (api.RemovedIn is { } r && (r == t || (first && r <= s)))
                {
                    removed.Add(new RemovedObject(reference, api, Timing(api, s), Caveats.For(manifest, api)));
                }
                else if (api.IsServedAt(t) && (api.DeprecatedIn == t || (first && api.DeprecatedIn < t)))
                {
                    deprecated.Add(new DeprecatedObject(reference, api));
                }
            }
            var notes = lifecycle.Entries
                .Where(e => e.RemovedIn == t)
                .Select(e => new StepNote(NoteType.Removed, e, used.Contains(e)))
                .Concat(lifecycle.Entries
                    .Where(e => e.DeprecatedIn == t && e.RemovedIn != t)
                    .Select(e => new StepNote(NoteType.Deprecated, e, used.Contains(e))))
                .ToList();
            var skew = SkewPolicy.Check(s, t, versions);
            var addonChecks = found.Select(a => CheckAddon(a, t)).ToList();
            var charts = request.Charts.Select(c => CheckChart(c, t)).ToList();
            var step = new UpgradeStep
            {
                From = s,
                To = t,
                Removed = removed,
                Deprecated = deprecated,
                Notes = notes,
                Blockers = blockers,
                Skew = skew,
                Addons = addonChecks,
                Charts = charts,
                Checklist = [],
                Rollback = "",
            };
            steps.Add(step with { Checklist = UpgradeChecklist.For(step), Rollback = UpgradeChecklist.Rollback(step) });
        }
        return new UpgradePlan(from, to, steps, lifecycle.LastKnownRelease, addons.AsOf);
    }

    private static MigrationTiming Timing(ApiLifecycleEntry api, KubeVersion stepFrom) =>
        api.RemovedIn <= stepFrom ? MigrationTiming.AlreadyUnserved
        : api.ReplacementAvailableIn is not { } available ? MigrationTiming.NoReplacement
        : available <= stepFrom ? MigrationTiming.BeforeUpgrade
        : MigrationTiming.WithUpgrade;

    private static ObjectRef Ref(SystemModel model, Manifest m) =>
        new(m.Kind, m.Name, ClusterScoped.Contains(m.Kind) ? null : m.Namespace, m.ApiVersion, m.At(m.Root["apiVersion"]), Owners.Of(m, model.WorkloadOf(m)));

    private static IReadOnlyList<Blocker> Blockers(SystemModel model)
    {
        var blockers = new List<Blocker>();
        foreach (var b in DrainAnalysis.BlockingBudgets(model))
        {
            var m = b.Budget.Manifest;
            var reference = new ObjectRef(m.Kind, m.Name, m.Namespace, m.ApiVersion, m.At(b.At), Owners.Of(m));
            blockers.Add(new Blocker(BlockerType.PdbBlocksDrain, reference,
                $"allows no disruption ({b.Why}), so draining a node that runs {string.Join(", ", b.Workloads)} hangs until someone intervenes"));
        }
        foreach (var s in DrainAnalysis.SingleReplicaWorkloads(model))
        {
            var m = s.Workload.Manifest;
            var reference = new ObjectRef(m.Kind, m.Name, m.Namespace, m.ApiVersion, m.At(s.At), Owners.Of(m, s.Workload));
            blockers.Add(new Blocker(BlockerType.SingleReplica, reference,
                $"runs one replica behind Service {s.Service.Name}: Service {s.Service.Name} has no endpoint while its node is drained"));
        }
        return blockers.OrderBy(b => b.Object.Location.File, StringComparer.Ordinal).ThenBy(b => b.Object.Location.Line).ToList();
    }

    private sealed record FoundAddon(Addon Addon, string Image, string? Line, ObjectRef Workload);

    private List<FoundAddon> FindAddons(SystemModel model)
    {
        var found = new List<FoundAddon>();
        var seen = new HashSet<(string, Manifest, string)>();
        foreach (var w in model.Workloads)
        {
            foreach (var c in w.Containers.Concat(w.InitContainers))
            {
                if (c.Image is null || addons.Recognise(c.Image) is not { } hit || !seen.Add((hit.Addon.Name, w.Manifest, c.Image)))
                {
                    continue;
                }
                var m = w.Manifest;
                var reference = new ObjectRef(m.Kind, m.Name, m.Namespace, m.ApiVersion, m.At(c.Node["image"]), Owners.Of(m, w));
                found.Add(new FoundAddon(hit.Addon, c.Image, hit.Line, reference));
            }
        }
        return found;
    }

    private static AddonCheck CheckAddon(FoundAddon a, KubeVersion target)
    {
        var release = a.Line is null ? null : a.Addon.Release(a.Line);
        var supporting = a.Addon.Releases.Where(r => r.Supports(target)).OrderBy(r => LineKey(r.Version)).ToList();
        // Prefer the first supporting line at or after the one running: nobody plans an add-on downgrade.
        var first = supporting.FirstOrDefault(r => a.Line is null || LineKey(r.Version).CompareTo(LineKey(a.Line)) >= 0) ?? supporting.FirstOrDefault();
        AddonStatus status;
        string message;
        var name = $"{a.Addon.Name} {a.Line ?? "(version unknown)"}";
        if (release is null)
        {
            status = AddonStatus.Unknown;
            message = a.Line is null
                ? $"{a.Addon.Name}: the image tag names no version; check its support for {target} by hand"
                : a.Addon.Releases.Count == 0
                    ? $"{name}: the project publishes no per-release support matrix; check {target} against its release notes"
                    : $"{name}: not in our compatibility data (rows are incomplete); check its support for {target} by hand";
        }
        else if (release.Supports(target))
        {
            status = AddonStatus.Supported;
            message = $"{name} supports {release.RangeText()}, including {target}";
        }
        else
        {
            status = AddonStatus.Unsupported;
            message = $"{name} supports {release.RangeText()}, not {target}"
                + (first is null ? $"; no release line in our data supports {target}" : $"; {first.Version} is the first line that supports {target}");
        }
        return new AddonCheck(a.Addon.Name, a.Image, a.Line, a.Workload, release, status, first?.Version, a.Addon.Source, message);
    }

    private static (int, int) LineKey(string line)
    {
        var parts = line.Split('.');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static ChartCheck CheckChart(HelmChart chart, KubeVersion target)
    {
        if (string.IsNullOrWhiteSpace(chart.KubeVersion))
        {
            return new ChartCheck(chart, ChartStatus.NoConstraint, "no kubeVersion constraint: Helm installs it on any version");
        }
        if (SemverRange.TryParse(chart.KubeVersion, out var error) is not { } range)
        {
            return new ChartCheck(chart, ChartStatus.Invalid, $"kubeVersion \"{chart.KubeVersion}\" could not be read ({error}); check it by hand");
        }
        var (lowest, highest, all) = range.AllowedPatches(target);
        if (lowest is null)
        {
            return new ChartCheck(chart, ChartStatus.Excludes, $"kubeVersion \"{chart.KubeVersion}\" excludes {target}: helm install and helm upgrade refuse the chart there");
        }
        var partly = all ? "" : lowest > 0 ? $" (only from {target}.{lowest})" : $" (only up to {target}.{highest})";
        return new ChartCheck(chart, ChartStatus.Allows, $"kubeVersion \"{chart.KubeVersion}\" admits {target}{partly}");
    }
}
