using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Core.Upgrade;
using Faultline.Sources.Inputs;

namespace Faultline.Core.Tests.Upgrade;

/// <summary>The planner, one kind of step content at a time, on small inline inputs.</summary>
public sealed class UpgradePlannerTests
{
    private static SystemModel Model(string yaml)
    {
        var manifests = new List<Manifest>();
        var diagnostics = new List<InputDiagnostic>();
        new ManifestLoader(new InputOptions()).ReadObjects("input.yaml", yaml, manifests, diagnostics);
        Assert.DoesNotContain(diagnostics, d => d.Level == DiagnosticLevel.Error);
        return ModelBuilder.Build(manifests);
    }

    private static UpgradePlan Plan(string from, string to, string yaml, string[]? kubelets = null, HelmChart[]? charts = null) =>
        UpgradePlanner.Builtin.Plan(new UpgradeRequest
        {
            From = KubeVersion.Parse(from),
            To = KubeVersion.Parse(to),
            Model = Model(yaml),
            KubeletVersions = (kubelets ?? []).Select(KubeVersion.Parse).ToList(),
            Charts = charts ?? [],
        });

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          labels: {team: payments}
        spec:
          replicas: 3
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
                - name: api
                  image: ghcr.io/acme/api:1.0.0
        """;

    [Fact]
    public void Plan_SeveralMinors_OneStepPerMinor()
    {
        var plan = Plan("1.30", "v1.34.2", Deployment);

        Assert.Equal(["1.30->1.31", "1.31->1.32", "1.32->1.33", "1.33->1.34"], plan.Steps.Select(s => $"{s.From}->{s.To}"));
        Assert.True(plan.Passed);
    }

    [Fact]
    public void Removed_ReplacementServedAtStepStart_MigratesBefore()
    {
        const string yaml = """
            apiVersion: autoscaling/v2beta2
            kind: HorizontalPodAutoscaler
            metadata:
              name: api
              namespace: shop
              annotations: {owner: checkout-team}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              maxReplicas: 4
            """;

        var plan = Plan("1.25", "1.26", yaml);

        var removed = Assert.Single(Assert.Single(plan.Steps).Removed);
        Assert.Equal(MigrationTiming.BeforeUpgrade, removed.Timing);
        Assert.Equal("autoscaling/v2", removed.Api.Replacement);
        Assert.Equal(new SourceLocation("input.yaml", 1), removed.Object.Location);
        Assert.Equal("shop", removed.Object.Namespace);
        Assert.Equal("checkout-team", removed.Object.Owner);
        Assert.False(plan.Passed);
    }

    [Fact]
    public void Removed_ReplacementOnlyAtTarget_MigratesWithTheStep()
    {
        const string yaml = """
            apiVersion: storagemigration.k8s.io/v1alpha1
            kind: StorageVersionMigration
            metadata: {name: secrets}
            spec:
              resource: {group: "", version: v1, resource: secrets}
            """;

        var step = Assert.Single(Plan("1.34", "1.35", yaml).Steps);

        var removed = Assert.Single(step.Removed);
        Assert.Equal(MigrationTiming.WithUpgrade, removed.Timing);
        Assert.Null(removed.Object.Namespace);
        Assert.Contains(step.Checklist, c => c.Phase == ChecklistPhase.During && c.Text.Contains("StorageVersionMigration secrets", StringComparison.Ordinal));
        Assert.Contains("keep their 1.34 manifests", step.Rollback, StringComparison.Ordinal);
    }

    [Fact]
    public void Removed_NoReplacementApi_SaysSo()
    {
        const string yaml = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\nspec: {privileged: false}\n";

        var removed = Assert.Single(Plan("1.24", "1.25", yaml).Steps[0].Removed);

        Assert.Equal(MigrationTiming.NoReplacement, removed.Timing);
        Assert.Null(removed.Api.ReplacementText);
    }

    [Fact]
    public void Removed_AlreadyUnservedAtStart_ReportedInFirstStepOnly()
    {
        const string yaml = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {backend: {serviceName: web, servicePort: 80}}\n";

        var plan = Plan("1.24", "1.26", yaml);

        Assert.Equal(MigrationTiming.AlreadyUnserved, Assert.Single(plan.Steps[0].Removed).Timing);
        Assert.Empty(plan.Steps[1].Removed);
    }

    [Theory]
    [InlineData("selector: {}", true)]
    [InlineData("selector: {matchLabels: {}}", true)]
    [InlineData("selector: {matchLabels: {app: web}}", false)]
    public void Removed_V1beta1BudgetWithEmptySelector_WarnsThatV1SelectsEverything(string selector, bool warns)
    {
        var yaml = $"apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n  maxUnavailable: 1\n  {selector}\n";

        var removed = Assert.Single(Plan("1.24", "1.25", yaml).Steps[0].Removed);

        Assert.Equal(warns, removed.Caveat?.Contains("every pod of namespace shop", StringComparison.Ordinal) ?? false);
    }

    [Fact]
    public void Removed_LaterRemoval_AppearsAtItsOwnStep()
    {
        const string yaml = """
            apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
            kind: PriorityLevelConfiguration
            metadata: {name: batch}
            spec:
              type: Limited
              limited: {nominalConcurrencyShares: 0}
            """;

        var plan = Plan("1.30", "1.32", yaml);

        Assert.Empty(plan.Steps[0].Removed);
        Assert.Single(plan.Steps[0].Deprecated);
        var removed = Assert.Single(plan.Steps[1].Removed);
        Assert.Equal(MigrationTiming.BeforeUpgrade, removed.Timing);
        Assert.Contains("leaves the level no seats", removed.Caveat, StringComparison.Ordinal);
        Assert.Contains(plan.Steps[1].Checklist, c => c.Text.StartsWith("Check PriorityLevelConfiguration batch", StringComparison.Ordinal));
        var note = Assert.Single(plan.Steps[1].Notes, n => n.Api == removed.Api);
        Assert.True(note.InInput);
        Assert.Contains("nominalConcurrencyShares", note.Api.Notes, StringComparison.Ordinal);
        Assert.Contains(plan.Steps[1].Notes, n => n is { InInput: false, Type: NoteType.Removed } && n.Api.Kind == "FlowSchema");
    }

    [Fact]
    public void Deprecated_StartsAtItsStep_EvenWhenTheInputDoesNotUseIt()
    {
        var plan = Plan("1.32", "1.34", Deployment);

        var endpoints = Assert.Single(plan.Steps[0].Notes, n => n.Api.ApiVersion == "v1" && n.Api.Kind == "Endpoints");
        Assert.Equal(NoteType.Deprecated, endpoints.Type);
        Assert.False(endpoints.InInput);
        Assert.DoesNotContain(plan.Steps[1].Notes, n => n.Api.Kind == "Endpoints");
        Assert.Contains(plan.Steps[0].Checklist, c => c.Phase == ChecklistPhase.After && c.Text.Contains("v1 Endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void Deprecated_ObjectInInput_ListedAtTheStepThatDeprecatesIt()
    {
        const string yaml = "apiVersion: v1\nkind: Endpoints\nmetadata: {name: db, labels: {owner: data}}\nsubsets: []\n";

        var plan = Plan("1.32", "1.34", yaml);

        var d = Assert.Single(plan.Steps[0].Deprecated);
        Assert.Equal("data", d.Object.Owner);
        Assert.Equal("discovery.k8s.io/v1 EndpointSlice", d.Api.ReplacementText);
        Assert.Empty(plan.Steps[1].Deprecated);
        Assert.True(plan.Passed);
    }

    [Fact]
    public void Blockers_ZeroDisruptionBudgetAndSingleReplica_InEveryStep()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: db, namespace: shop, annotations: {example.com/team: storage}}
            spec:
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers: [{name: db, image: postgres:16.4}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec:
              selector: {app: db}
              ports: [{port: 5432}]
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: db, namespace: shop}
            spec:
              maxUnavailable: 0
              selector: {matchLabels: {app: db}}
            """;

        var plan = Plan("1.32", "1.34", yaml);

        Assert.All(plan.Steps, s =>
        {
            Assert.Equal(2, s.Blockers.Count);
            Assert.Contains(s.Blockers, b => b.Type == BlockerType.PdbBlocksDrain && b.Object.Owner == Owners.Unowned && b.Object.Location.Line == 22);
            Assert.Contains(s.Blockers, b => b.Type == BlockerType.SingleReplica && b.Object.Owner == "storage");
        });
        Assert.False(plan.Passed);
    }

    [Fact]
    public void Skew_KubeletVersions_CheckedAgainstEachStep()
    {
        var plan = Plan("1.32", "1.34", Deployment, ["1.29", "v1.31.4", "1.33"]);

        SkewCheck Kubelet(int step, string v) => plan.Steps[step].Skew.Single(k => k.Component == "kubelet" && k.Version == KubeVersion.Parse(v));
        Assert.Equal(SkewStatus.Violation, Kubelet(0, "1.29").Status);
        Assert.Contains("at least 1.30", Kubelet(0, "1.29").Message, StringComparison.Ordinal);
        Assert.Equal(SkewStatus.Ok, Kubelet(0, "1.31").Status);
        Assert.Equal(SkewStatus.Violation, Kubelet(0, "1.33").Status);
        Assert.Equal(SkewStatus.Ok, Kubelet(1, "1.31").Status);
        Assert.Equal(SkewStatus.Ok, Kubelet(1, "1.33").Status);
        Assert.Contains(plan.Steps[0].Skew, k => k is { Component: "kubectl", Status: SkewStatus.Guidance });
    }

    [Fact]
    public void Skew_NodeObjectsAndControlPlaneImages_AreRead()
    {
        const string yaml = """
            apiVersion: v1
            kind: Node
            metadata: {name: worker-1}
            status:
              nodeInfo:
                kubeletVersion: v1.28.9
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: kube-controller-manager-cp1, namespace: kube-system}
            spec:
              containers:
                - name: kube-controller-manager
                  image: registry.k8s.io/kube-controller-manager:v1.31.2
            """;

        var step = Assert.Single(Plan("1.32", "1.33", yaml).Steps);

        var kubelet = Assert.Single(step.Skew, k => k.Component == "kubelet");
        Assert.Equal(SkewStatus.Violation, kubelet.Status);
        Assert.Equal(new SourceLocation("input.yaml", 6), Assert.Single(kubelet.Sources).Location);
        var kcm = Assert.Single(step.Skew, k => k.Component == "kube-controller-manager");
        Assert.Equal(SkewStatus.Violation, kcm.Status);
        Assert.Equal(SkewStatus.Guidance, Assert.Single(step.Skew, k => k.Component == "kube-scheduler").Status);
    }

    [Fact]
    public void Addons_FoundByImage_WithRangeAndFirstSupportingLine()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ingress-nginx-controller, namespace: ingress-nginx, labels: {team: edge}}
            spec:
              selector: {matchLabels: {app: ingress}}
              template:
                metadata: {labels: {app: ingress}}
                spec:
                  containers:
                    - name: controller
                      image: registry.k8s.io/ingress-nginx/controller:v1.11.3@sha256:d56f135b6462cfc476447cfe564b83a45e8bb7da2774963b00d12161112270b7
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cert-manager, namespace: cert-manager}
            spec:
              selector: {matchLabels: {app: cm}}
              template:
                metadata: {labels: {app: cm}}
                spec:
                  containers:
                    - name: controller
                      image: quay.io/jetstack/cert-manager-controller:v1.13.6
            """;

        var plan = Plan("1.30", "1.31", yaml);

        var nginx = Assert.Single(plan.Steps[0].Addons, a => a.Addon == "ingress-nginx");
        Assert.Equal(AddonStatus.Unsupported, nginx.Status);
        Assert.Equal("1.26–1.30", nginx.Release!.RangeText());
        Assert.Equal("1.12", nginx.FirstSupporting);
        Assert.Equal(11, nginx.Workload.Location.Line);
        var certManager = Assert.Single(plan.Steps[0].Addons, a => a.Addon == "cert-manager");
        Assert.Equal(AddonStatus.Unknown, certManager.Status);
        Assert.Contains(plan.Steps[0].Checklist, c => c.Owner == "edge" && c.Text.Contains("to 1.12 or later", StringComparison.Ordinal));
        Assert.False(plan.Passed);
    }

    [Fact]
    public void Charts_KubeVersionConstraint_CheckedPerStep()
    {
        HelmChart Chart(string name, string? constraint) => new(name, "1.0.0", constraint, new SourceLocation($"{name}/Chart.yaml", 5), Owners.Unowned);

        var plan = Plan("1.29", "1.31", Deployment, charts:
        [
            Chart("old", ">=1.22.0-0 <1.31.0-0"),
            Chart("tilde", "~1.29"),
            Chart("open", null),
            Chart("broken", ">= banana"),
        ]);

        ChartStatus Status(int step, string name) => plan.Steps[step].Charts.Single(c => c.Chart.Name == name).Status;
        Assert.Equal(ChartStatus.Allows, Status(0, "old"));
        Assert.Equal(ChartStatus.Excludes, Status(1, "old"));
        Assert.Equal(ChartStatus.Excludes, Status(0, "tilde"));
        Assert.Equal(ChartStatus.NoConstraint, Status(0, "open"));
        Assert.Equal(ChartStatus.Invalid, Status(0, "broken"));
        Assert.Equal(1, plan.Steps[1].Problems - plan.Steps[1].Charts.Count(c => c.Chart.Name == "tilde"));
    }

    [Fact]
    public void Checklist_EveryStep_HasBackupUpgradeDrainAndRollback()
    {
        var step = Plan("1.33", "1.34", Deployment).Steps[0];

        Assert.Contains(step.Checklist, c => c.Phase == ChecklistPhase.Before && c.Text.Contains("etcd snapshot", StringComparison.Ordinal));
        Assert.Contains(step.Checklist, c => c.Phase == ChecklistPhase.During && c.Text.StartsWith("Upgrade kube-apiserver to 1.34", StringComparison.Ordinal));
        Assert.Contains(step.Checklist, c => c.Phase == ChecklistPhase.During && c.Text.Contains("never below 1.31", StringComparison.Ordinal));
        Assert.All(step.Checklist, c => Assert.False(string.IsNullOrEmpty(c.Owner)));
        Assert.StartsWith("Kubernetes does not support downgrading", step.Rollback, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.34", "1.32")]
    [InlineData("1.32", "1.32")]
    [InlineData("1.32", "1.36")]
    [InlineData("1.10", "1.12")]
    public void Plan_BadRange_IsRefused(string from, string to)
    {
        Assert.Throws<ArgumentException>(() => Plan(from, to, Deployment));
    }

    [Theory]
    [InlineData("1.36", "beyond Faultline's API data: the last Kubernetes version it knows is 1.35")]
    [InlineData("2.0", "unknown Kubernetes version; Faultline's API data covers 1.15 to 1.35")]
    [InlineData("1.14", "unknown Kubernetes version; Faultline's API data covers 1.15 to 1.35")]
    [InlineData("latest", "is not a Kubernetes version: write it as 1.32 or v1.32.4 (the last version Faultline knows is 1.35)")]
    public void TryParseKnown_OutsideTheData_NamesTheLastKnownVersion(string text, string expected)
    {
        Assert.False(ApiLifecycle.Builtin.TryParseKnown(text, "--to", out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("--to", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Owners_LabelsBeforeAnnotations_PrefixedKeysLast()
    {
        IReadOnlyDictionary<string, string> Map(params (string K, string V)[] kv) => kv.ToDictionary(x => x.K, x => x.V);

        Assert.Equal("a", Owners.Of([Map(("team", "a")), Map(("owner", "b"))]));
        Assert.Equal("b", Owners.Of([Map(("example.com/owner", "a")), Map(("owner", "b"))]));
        Assert.Equal("a", Owners.Of([Map(("example.com/owner", "a")), Map()]));
        Assert.Equal("unowned", Owners.Of([Map(("app", "x")), Map()]));
    }
}
