using Faultline.Core.Upgrade;

namespace Faultline.Core.Tests.Upgrade;

/// <summary>The shipped API lifecycle and add-on data load, have the shape the planner relies on, and bad data is named.</summary>
public sealed class UpgradeDataTests
{
    [Fact]
    public void Builtin_Lifecycle_LoadsEveryEntry()
    {
        var data = ApiLifecycle.Builtin;

        Assert.Equal(86, data.Entries.Count);
        Assert.Equal(new KubeVersion(1, 35), data.LastKnownRelease);
        Assert.Equal(new KubeVersion(1, 16), data.FirstKnownRelease);
    }

    [Fact]
    public void Builtin_Lifecycle_ReplacementsAreServedBeforeTheRemovalOrSaySoInNotes()
    {
        foreach (var e in ApiLifecycle.Builtin.Entries.Where(e => e.Replacement is not null && e.RemovedIn is not null))
        {
            // The data promises a replacement that can ship before the upgrade, except where no overlap exists.
            Assert.True(e.ReplacementAvailableIn < e.RemovedIn || e.Notes.Contains("without an overlap", StringComparison.Ordinal),
                $"{e}: replacement {e.Replacement} only from {e.ReplacementAvailableIn}, removed in {e.RemovedIn}");
        }
    }

    [Theory]
    [InlineData("v1", "Endpoints", "1.33", null)]
    [InlineData("extensions/v1beta1", "Ingress", "1.14", "1.22")]
    [InlineData("policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25")]
    [InlineData("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.29", "1.32")]
    public void Builtin_Lifecycle_KnowsTheLandmarks(string apiVersion, string kind, string deprecated, string? removed)
    {
        var e = ApiLifecycle.Builtin.Find(apiVersion, kind)!;

        Assert.Equal(KubeVersion.Parse(deprecated), e.DeprecatedIn);
        Assert.Equal(removed is null ? null : KubeVersion.Parse(removed), e.RemovedIn);
    }

    [Fact]
    public void Find_ListKind_SharesTheItemLifecycle()
    {
        var list = ApiLifecycle.Builtin.Find("extensions/v1beta1", "IngressList");

        Assert.NotNull(list);
        Assert.Equal("Ingress", list.Kind);
        Assert.Null(ApiLifecycle.Builtin.Find("apps/v1", "Deployment"));
    }

    [Fact]
    public void Load_BadEntries_ReportsEveryProblemNamingTheEntry()
    {
        const string json = """
            // comments are allowed
            {
              "schemaVersion": 1, "firstKnownRelease": "1.16", "lastKnownRelease": "1.35",
              "apis": [
                { "apiVersion": "extensions/v1beta1", "kind": "Ingress", "deprecatedIn": "1.14", "removedIn": "1.x",
                  "replacement": "networking.k8s.io/v1", "replacementKind": null, "replacementAvailableIn": "1.19", "notes": "" },
                { "apiVersion": "batch/v1beta1", "kind": "CronJob", "deprecatedIn": "1.21", "removedIn": "1.40",
                  "replacement": "batch/v1", "replacementKind": null, "replacementAvailableIn": null, "notes": "", "remvoedIn": "1.25" },
                { "apiVersion": "batch/v1beta1", "kind": "CronJob", "deprecatedIn": "1.21", "removedIn": null,
                  "replacement": null, "replacementKind": null, "replacementAvailableIn": null, "notes": "" }
              ]
            }
            """;

        var e = Assert.Throws<UpgradeDataException>(() => ApiLifecycle.Load(json));

        Assert.Contains(e.Errors, m => m.StartsWith("apis[0] (extensions/v1beta1 Ingress): removedIn '1.x'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m == "apis[1] (batch/v1beta1 CronJob): unknown field 'remvoedIn'");
        Assert.Contains(e.Errors, m => m == "apis[1] (batch/v1beta1 CronJob): replacement and replacementAvailableIn must be set together");
        Assert.Contains(e.Errors, m => m == "apis[1] (batch/v1beta1 CronJob): removedIn 1.40 is after lastKnownRelease 1.35");
        Assert.Contains(e.Errors, m => m == "apis[2] (batch/v1beta1 CronJob): appears more than once");
    }

    [Fact]
    public void Load_NotJson_ReportsTheLine()
    {
        var e = Assert.Throws<UpgradeDataException>(() => ApiLifecycle.Load("{\n  \"apis\": [\n  oops\n"));

        Assert.StartsWith("line 3:", Assert.Single(e.Errors));
    }

    [Fact]
    public void Builtin_Addons_LoadWithSourcesAndRows()
    {
        var data = AddonCatalog.Builtin;

        Assert.Equal(8, data.Addons.Count);
        Assert.Equal(39, data.Addons.Sum(a => a.Releases.Count));
        Assert.All(data.Addons, a => Assert.StartsWith("https://", a.Source));
        Assert.Equal("2026-11-28", data.AsOf);
    }

    [Fact]
    public void Load_BadAddon_NamesIt()
    {
        const string json = """
            { "schemaVersion": 1, "asOf": "2026-11-28", "addons": [
              { "name": "thing", "images": [], "source": "http://example.com",
                "versions": [ { "version": "one", "kubernetes": ["1.30", "v1.31.2"] } ] } ] }
            """;

        var e = Assert.Throws<UpgradeDataException>(() => AddonCatalog.Load(json));

        Assert.Contains("addons[0] (thing): needs at least one image", e.Errors);
        Assert.Contains("addons[0] (thing): source 'http://example.com' must be an https URL", e.Errors);
        Assert.Contains("addons[0] (thing) versions[0]: version 'one' is not a release line like \"1.15\"", e.Errors);
        Assert.Contains(e.Errors, m => m.Contains("'v1.31.2' is not a Kubernetes minor version", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fbc4ec70d8aa2050dd91a91506e998765e86c96f32cffb56c503c9c34eed5b", "ingress-nginx", "1.12")]
    [InlineData("quay.io/jetstack/cert-manager-controller:v1.16.2", "cert-manager", "1.16")]
    [InlineData("calico/node:v3.30.1", "calico", "3.30")]
    [InlineData("docker.io/istio/proxyv2:1.27.0-distroless", "istio", "1.27")]
    [InlineData("registry.k8s.io/coredns/coredns:v1.11.3", "coredns", "1.11")]
    [InlineData("quay.io/argoproj/argocd:latest", "argo-cd", null)]
    public void Recognise_AddonImage_NamesAddonAndLine(string image, string addon, string? line)
    {
        var found = AddonCatalog.Builtin.Recognise(image);

        Assert.NotNull(found);
        Assert.Equal(addon, found.Value.Addon.Name);
        Assert.Equal(line, found.Value.Line);
    }

    [Theory]
    [InlineData("nginx:1.27")]
    [InlineData("ghcr.io/acme/controller:v1.2")]
    [InlineData("registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.0")]
    public void Recognise_OtherImage_IsNull(string image)
    {
        Assert.Null(AddonCatalog.Builtin.Recognise(image));
    }

    [Theory]
    [InlineData("1.32", 1, 32)]
    [InlineData("v1.32.4", 1, 32)]
    [InlineData("v1.33.0-rc.1", 1, 33)]
    [InlineData("v1.31.2-eks-a1b2c3", 1, 31)]
    [InlineData("v1.30.5+k3s1", 1, 30)]
    public void KubeVersion_Parse_KeepsMajorAndMinor(string text, int major, int minor)
    {
        Assert.True(KubeVersion.TryParse(text, out var v));
        Assert.Equal(new KubeVersion(major, minor), v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.x")]
    [InlineData("latest")]
    [InlineData("1.2.3.4")]
    public void KubeVersion_Parse_RefusesNonVersions(string text)
    {
        Assert.False(KubeVersion.TryParse(text, out _));
    }
}
