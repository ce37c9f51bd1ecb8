using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Faultline.Core.Documents;
using Faultline.Core.Upgrade;
using Faultline.Sources.Inputs;
using Faultline.Sources.Yaml;
using Xunit.Abstractions;

namespace Faultline.Core.Tests.Upgrade;

/// <summary>
/// Our API lifecycle data against Pluto's (FairwindsOps, Apache-2.0; see PLUTO.md): every Kubernetes entry of
/// Pluto's table is ours too, unless PROVENANCE.md argues why not, and Pluto's fixtures get the same verdicts.
/// </summary>
public sealed class PlutoComparisonTests(ITestOutputHelper output)
{
    private static readonly string Here = Path.Combine(AppContext.BaseDirectory, "Upgrade");

    /// <summary>Pluto entries we leave out on purpose; PROVENANCE.md, "Pluto entries we do not carry", says why.</summary>
    private static readonly HashSet<(string, string)> Excluded =
    [
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl"),   // not a Kubernetes kind
        ("apps/v1beta1", "ReplicaSet"),                            // apps/v1beta1 never served ReplicaSet
        ("scheduling.k8s.io/v1alpha1", "PriorityClass"),           // removal release not confirmed
        ("rbac.authorization.k8s.io/v1alpha1", "ClusterRole"),     // removal release not confirmed (1.22 or 1.23)
        ("rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1alpha1", "Role"),
        ("rbac.authorization.k8s.io/v1alpha1", "RoleBinding"),
        ("rbac.authorization.k8s.io/v1alpha1", "ClusterRoleList"),
        ("rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBindingList"),
        ("rbac.authorization.k8s.io/v1alpha1", "RoleList"),
        ("rbac.authorization.k8s.io/v1alpha1", "RoleBindingList"),
    ];

    private sealed record PlutoEntry(string ApiVersion, string Kind, KubeVersion? DeprecatedIn, KubeVersion? RemovedIn, string? Replacement);

    private static List<PlutoEntry> PlutoKubernetesEntries()
    {
        var diagnostics = new List<InputDiagnostic>();
        var file = Path.Combine(Here, "pluto-versions.yaml");
        var root = (MapNode)YamlDocumentReader.Read(File.ReadAllText(file), file, diagnostics).Single().Root;
        Assert.Empty(diagnostics);
        return root.Maps("deprecated-versions")
            .Where(e => e.Str("component") == "k8s")
            .Select(e => new PlutoEntry(e.Str("version")!, e.Str("kind")!, Version(e.Str("deprecated-in")), Version(e.Str("removed-in")), e.Str("replacement-api") is { Length: > 0 } r ? r : null))
            .ToList();

        static KubeVersion? Version(string? text) => KubeVersion.TryParse(text, out var v) ? v : null;
    }

    [Fact]
    public void PlutoTable_EveryKubernetesEntry_IsOursOrADocumentedExclusion()
    {
        var pluto = PlutoKubernetesEntries();
        var distinct = pluto.Select(e => (e.ApiVersion, e.Kind)).ToHashSet();

        var missing = distinct.Where(k => ApiLifecycle.Builtin.Find(k.ApiVersion, k.Kind) is null).ToHashSet();

        Assert.Equal(86, pluto.Count);
        Assert.Equal(85, distinct.Count);
        Assert.True(missing.SetEquals(Excluded), "not in our data and not a documented exclusion: "
            + string.Join(", ", missing.Except(Excluded)) + "; excluded but now present: " + string.Join(", ", Excluded.Except(missing)));
        output.WriteLine($"Pluto k8s entries: {pluto.Count} ({distinct.Count} distinct); in ours: {distinct.Count - missing.Count}; documented exclusions: {missing.Count}");
    }

    [Fact]
    public void PlutoTable_RemovalDisagreements_AreExactlyTheDocumentedOnes()
    {
        // PROVENANCE.md, "removedIn disagreements": ours follows the deprecation guide and the lifecycle tags.
        var documented = new HashSet<string>
        {
            "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
            "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBinding",
            "resource.k8s.io/v1beta1 DeviceClass", "resource.k8s.io/v1beta1 ResourceClaim",
            "resource.k8s.io/v1beta1 ResourceClaimTemplate", "resource.k8s.io/v1beta1 ResourceSlice",
        };

        var differing = PlutoKubernetesEntries()
            .Select(p => (Pluto: p, Ours: ApiLifecycle.Builtin.Find(p.ApiVersion, p.Kind)))
            .Where(x => x.Ours is not null && x.Ours.RemovedIn != x.Pluto.RemovedIn)
            .Select(x => $"{x.Pluto.ApiVersion} {x.Pluto.Kind}")
            .ToHashSet();

        Assert.True(differing.SetEquals(documented), "undocumented removedIn differences: " + string.Join(", ", differing.Except(documented)));
    }

    [Fact]
    public void PlutoTable_DeprecationDisagreements_AreExactlyTheDocumentedOnes()
    {
        // PROVENANCE.md, "deprecatedIn disagreements": ours follows the lifecycle tags (the apiserver's own warnings).
        var documented = new HashSet<string>
        {
            "extensions/v1beta1 Deployment", "extensions/v1beta1 DaemonSet", "apps/v1beta1 Deployment", "apps/v1beta1 StatefulSet",
            "extensions/v1beta1 ReplicaSet", "apps/v1beta2 ReplicaSet", "storage.k8s.io/v1beta1 StorageClass",
            "storage.k8s.io/v1beta1 VolumeAttachment", "apiregistration.k8s.io/v1beta1 APIService",
            "authentication.k8s.io/v1beta1 TokenReview", "coordination.k8s.io/v1beta1 Lease", "events.k8s.io/v1beta1 Event",
            "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
            "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration",
            "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration",
            "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBinding",
            "storage.k8s.io/v1alpha1 VolumeAttributesClass",
        };

        var differing = PlutoKubernetesEntries()
            .Select(p => (Pluto: p, Ours: ApiLifecycle.Builtin.Find(p.ApiVersion, p.Kind)))
            .Where(x => x.Ours is not null && x.Ours.DeprecatedIn != x.Pluto.DeprecatedIn)
            .Select(x => $"{x.Pluto.ApiVersion} {x.Pluto.Kind}")
            .ToHashSet();

        Assert.True(differing.SetEquals(documented), "undocumented deprecatedIn differences: " + string.Join(", ", differing.Except(documented))
            + "; documented but gone: " + string.Join(", ", documented.Except(differing)));
    }

    [Fact]
    public void PlutoTable_VerdictsAtEveryTarget_AgreeOutsideTheDocumentedDifferences()
    {
        // Pluto's question, "is X deprecated / removed at target T?", asked of both tables for every shared entry.
        var shared = PlutoKubernetesEntries()
            .GroupBy(e => (e.ApiVersion, e.Kind)).Select(g => g.First())
            .Select(p => (Pluto: p, Ours: ApiLifecycle.Builtin.Find(p.ApiVersion, p.Kind)))
            .Where(x => x.Ours is not null)
            .ToList();
        var total = 0;
        var agree = 0;
        var removedAgree = 0;
        foreach (var (pluto, ours) in shared)
        {
            for (var minor = 15; minor <= 35; minor++)
            {
                var t = new KubeVersion(1, minor);
                total++;
                var removedSame = (pluto.RemovedIn <= t) == !ours!.IsServedAt(t);
                removedAgree += removedSame ? 1 : 0;
                agree += removedSame && (pluto.DeprecatedIn <= t) == ours.IsDeprecatedAt(t) ? 1 : 0;
            }
        }

        output.WriteLine($"{shared.Count} shared entries x 21 targets (1.15 to 1.35) = {total} verdicts: removed agrees on {removedAgree}, removed and deprecated both agree on {agree}");
        Assert.Equal(74, shared.Count);
        // The 8 differences: flowcontrol v1beta1 (2 kinds x 1.26-1.28) and ValidatingAdmissionPolicy v1alpha1 (2 kinds x 1.32).
        Assert.Equal(total - 8, removedAgree);
    }

    /// <summary>The Kubernetes objects in one Pluto fixture; Helm 3 release secrets are unpacked the way Pluto's detect-helm does.</summary>
    private static List<Manifest> Objects(string relative)
    {
        var file = Path.Combine(Here, "pluto-fixtures", relative);
        var manifests = new List<Manifest>();
        var diagnostics = new List<InputDiagnostic>();
        var loader = new ManifestLoader(new InputOptions());
        if (relative.Contains("/helm3/", StringComparison.Ordinal))
        {
            // A release secret holds base64(base64(gzip(release JSON))); the release's "manifest" is the rendered YAML.
            using var secret = JsonDocument.Parse(File.ReadAllText(file));
            var once = Convert.FromBase64String(secret.RootElement.GetProperty("data").GetProperty("release").GetString()!);
            var gzip = Convert.FromBase64String(Encoding.ASCII.GetString(once));
            using var unzip = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
            using var release = JsonDocument.Parse(unzip);
            loader.ReadObjects(file, release.RootElement.GetProperty("manifest").GetString()!, manifests, diagnostics);
        }
        else
        {
            manifests.AddRange(loader.Load([file]).Manifests);
        }
        Assert.DoesNotContain(diagnostics, d => d.Level == DiagnosticLevel.Error);
        return manifests;
    }

    public static TheoryData<string> Fixtures() => new(
        Directory.EnumerateFiles(Path.Combine(Here, "pluto-fixtures"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Here, "pluto-fixtures"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PlutoFixture_EveryTarget_SameVerdictAsPluto(string fixture)
    {
        // Pluto lists audit.k8s.io/v1alpha1 Policy twice, with the same dates; either copy will do.
        var pluto = PlutoKubernetesEntries().GroupBy(e => (e.ApiVersion, e.Kind)).ToDictionary(g => g.Key, g => g.First());
        var objects = Objects(fixture);
        var targets = Enumerable.Range(15, 21).Select(m => new KubeVersion(1, m)).ToList();
        var agree = 0;
        var disagreements = new List<string>();

        foreach (var m in objects)
        {
            var theirs = pluto.GetValueOrDefault((m.ApiVersion, m.Kind));
            var ours = ApiLifecycle.Builtin.Find(m.ApiVersion, m.Kind);
            foreach (var t in targets)
            {
                var plutoVerdict = (Deprecated: theirs?.DeprecatedIn <= t, Removed: theirs?.RemovedIn <= t);
                var ourVerdict = (Deprecated: ours?.IsDeprecatedAt(t) ?? false, Removed: ours is not null && !ours.IsServedAt(t));
                if (plutoVerdict == ourVerdict && (!ourVerdict.Removed || theirs?.Replacement == ours?.Replacement))
                {
                    agree++;
                }
                else
                {
                    disagreements.Add($"{m.Kind} {m.Name} {m.ApiVersion} at {t}: Pluto {plutoVerdict}, ours {ourVerdict}");
                }
            }
        }

        output.WriteLine($"{fixture}: {objects.Count} object(s), {agree}/{objects.Count * targets.Count} verdicts agree (targets 1.15 to 1.35)");
        Assert.NotEmpty(objects);
        Assert.Empty(disagreements);
    }

    [Fact]
    public void PlutoFixtures_DocumentedExpectations_Hold()
    {
        // Pluto's own e2e expectations for these assets: the extensions/v1beta1 Deployment "utilities" is removed
        // in 1.16 with apps/v1 as replacement; the apps/v1 Deployment is not flagged; at its default target (1.25)
        // the demo2 release's policy/v1beta1 PDB and autoscaling/v2beta1 HPA are removed.
        var old = Assert.Single(Objects("e2e/tests/assets/deprecated116/deployment-extensions-v1beta1.yaml"));
        var api = ApiLifecycle.Builtin.Find(old.ApiVersion, old.Kind)!;
        Assert.Equal(("utilities", new KubeVersion(1, 16), "apps/v1"), (old.Name, api.RemovedIn!.Value, api.Replacement!));
        Assert.Null(ApiLifecycle.Builtin.Find("apps/v1", "Deployment"));
        Assert.Equal("yaml-namespace", Assert.Single(Objects("pkg/finder/testdata/deployment-extensions-v1beta1.yaml")).Namespace);
        Assert.Equal("json-namespace", Assert.Single(Objects("pkg/finder/testdata/deployment-extensions-v1beta1.json")).Namespace);

        var demo2 = Objects("e2e/tests/assets/helm3/secret-demo2.json");
        var removedAt125 = demo2.Where(m => ApiLifecycle.Builtin.Find(m.ApiVersion, m.Kind) is { } e && !e.IsServedAt(new KubeVersion(1, 25))).Select(m => m.Kind).Order().ToList();
        Assert.Equal(["HorizontalPodAutoscaler", "PodDisruptionBudget"], removedAt125);
    }
}
