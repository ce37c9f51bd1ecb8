using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Sources.Inputs;

namespace Faultline.Core.Tests.Environments;

/// <summary>Each class of difference between two environments: when it is reported, how it ranks, and when it is not.</summary>
public sealed class EnvDiffTests
{
    private const string Image = "ghcr.io/acme/api:1.4.0";

    /// <summary>A Deployment "api" in namespace shop; the pieces are YAML indented for their place.</summary>
    private static string Deployment(string container = "", string pod = "", int replicas = 2, string image = Image, string ns = "shop", string name = "api") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          replicas: {replicas}
          selector:
            matchLabels: {"{"}app: {name}{"}"}
          template:
            metadata:
              labels: {"{"}app: {name}{"}"}
            spec:
        {Indent(pod, 6)}
              containers:
                - name: api
                  image: {image}
        {Indent(container, 10)}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));

    private static string Env(params (string Name, string Value)[] vars) =>
        "env:\n" + string.Join("\n", vars.Select(v => $"  - name: {v.Name}\n    value: \"{v.Value}\""));

    private static SystemModel Model(string yaml, string file)
    {
        var manifests = new List<Manifest>();
        var diagnostics = new List<InputDiagnostic>();
        new ManifestLoader(new InputOptions()).ReadObjects(file, yaml, manifests, diagnostics);
        Assert.DoesNotContain(diagnostics, d => d.Level == DiagnosticLevel.Error);
        return ModelBuilder.Build(manifests);
    }

    private static EnvDiffResult Diff(string a, string b, EnvDiffOptions? options = null) =>
        EnvDiff.Compare(new EnvSnapshot("staging", Model(a, "staging.yaml")), new EnvSnapshot("production", Model(b, "production.yaml")), options);

    private static EnvDifference Single(EnvDiffResult result, string field) =>
        Assert.Single(result.Differences, d => d.Field == field);

    [Fact]
    public void Compare_SameSystem_NoDifferences()
    {
        var yaml = Deployment(Env(("TIMEOUT_MS", "500")) + "\nresources: {limits: {memory: 256Mi}}");

        var result = Diff(yaml, yaml);

        Assert.Empty(result.Differences);
        Assert.Equal(1, result.Matched);
    }

    [Fact]
    public void Resources_MemoryLimitOnOneSideOnly_IsHighAndSaysWhereItCanOom()
    {
        var result = Diff(Deployment("resources: {requests: {memory: 128Mi}}"), Deployment("resources: {requests: {memory: 128Mi}, limits: {memory: 512Mi}}"));

        var d = Single(result, "limits.memory");
        Assert.Equal(DiffClass.Resources, d.Class);
        Assert.Equal(Severity.High, d.Severity);
        Assert.True(d.A.Absent);
        Assert.Equal("512Mi", d.B.Shown);
        Assert.Equal("container api", d.Scope);
        Assert.Contains("Pods in production are OOM-killed", d.Risk);
        Assert.Equal("production.yaml", d.B.Location!.Value.File);
    }

    [Theory]
    [InlineData("256Mi", "512Mi", Severity.Medium)]
    [InlineData("400Mi", "512Mi", Severity.Low)]
    public void Resources_MemoryLimitsDiffer_RankByRatio(string a, string b, Severity expected)
    {
        var result = Diff(Deployment($"resources: {{limits: {{memory: {a}}}}}"), Deployment($"resources: {{limits: {{memory: {b}}}}}"));

        Assert.Equal(expected, Single(result, "limits.memory").Severity);
    }

    [Fact]
    public void Resources_CpuLimitAndRequests_AreComparedToo()
    {
        var result = Diff(Deployment("resources: {requests: {cpu: 100m}}"), Deployment("resources: {requests: {cpu: 200m, memory: 64Mi}, limits: {cpu: '1'}}"));

        Assert.Equal(Severity.Medium, Single(result, "limits.cpu").Severity);
        Assert.Equal(Severity.Low, Single(result, "requests.cpu").Severity);
        Assert.Equal(Severity.Medium, Single(result, "requests.memory").Severity);
    }

    [Fact]
    public void Replicas_OneVersusThree_IsMediumWithRatio()
    {
        var d = Single(Diff(Deployment(replicas: 1), Deployment(replicas: 3)), "replicas");

        Assert.Equal(DiffClass.Replicas, d.Class);
        Assert.Equal(Severity.Medium, d.Severity);
        Assert.Equal(3m, d.ReplicaRatio);
        Assert.Contains("works in staging and breaks in production", d.Risk);
    }

    [Fact]
    public void Replicas_TwoVersusThree_IsLow()
    {
        Assert.Equal(Severity.Low, Single(Diff(Deployment(replicas: 2), Deployment(replicas: 3)), "replicas").Severity);
    }

    [Fact]
    public void Replicas_WithAnAutoscaler_AreLeftToItsBounds()
    {
        const string hpa = """
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: api, namespace: shop}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: MIN
              maxReplicas: MAX
            """;

        var result = Diff(Deployment(replicas: 1) + "\n" + hpa.Replace("MIN", "1").Replace("MAX", "3"), Deployment(replicas: 5) + "\n" + hpa.Replace("MIN", "2").Replace("MAX", "12"));

        Assert.DoesNotContain(result.Differences, d => d.Field == "replicas");
        Assert.Equal(Severity.Medium, Single(result, "minReplicas").Severity);
        var max = Single(result, "maxReplicas");
        Assert.Equal(Severity.Low, max.Severity);
        Assert.Equal(4m, max.ReplicaRatio);
    }

    [Fact]
    public void Probes_ReadinessOnOneSide_IsHigh()
    {
        var result = Diff(Deployment("readinessProbe: {httpGet: {path: /ready, port: 8080}}"), Deployment());

        var d = Single(result, "readinessProbe");
        Assert.Equal(DiffClass.Probes, d.Class);
        Assert.Equal(Severity.High, d.Severity);
        Assert.Contains("production has no readiness probe", d.Risk);
    }

    [Fact]
    public void Probes_TimingAndPath_AreCompared()
    {
        var result = Diff(
            Deployment("livenessProbe: {httpGet: {path: /healthz, port: 8080}, timeoutSeconds: 5, periodSeconds: 10}"),
            Deployment("livenessProbe: {httpGet: {path: /health, port: 8080}, timeoutSeconds: 1, periodSeconds: 5}"));

        Assert.Equal(Severity.Medium, Single(result, "livenessProbe").Severity);
        Assert.Equal(Severity.Medium, Single(result, "livenessProbe.timeoutSeconds").Severity);
        Assert.Equal(Severity.Medium, Single(result, "livenessProbe.failureWindow").Severity);
    }

    [Theory]
    [InlineData("ghcr.io/acme/api:1.4.0", "ghcr.io/acme/api:1.3.9", Severity.Medium, "staging runs 1.4.0, production runs 1.3.9")]
    [InlineData("ghcr.io/acme/api:1.4.0@sha256:1111111111111111111111111111111111111111111111111111111111111111",
        "ghcr.io/acme/api:1.4.0@sha256:2222222222222222222222222222222222222222222222222222222222222222", Severity.High, "tag 1.4.0 is pinned to different digests")]
    [InlineData("ghcr.io/acme/api:1.4.0@sha256:1111111111111111111111111111111111111111111111111111111111111111", "ghcr.io/acme/api:1.4.0", Severity.Medium, "staging pins the image by digest")]
    [InlineData("ghcr.io/acme/api:1.4.0", "registry.internal/acme/api:1.4.0", Severity.Medium, "different repositories")]
    public void Image_Differences_RankByWhatIsKnown(string a, string b, Severity severity, string summary)
    {
        var d = Single(Diff(Deployment(image: a), Deployment(image: b)), "image");

        Assert.Equal(DiffClass.Image, d.Class);
        Assert.Equal(severity, d.Severity);
        Assert.Contains(summary, d.Summary);
    }

    [Theory]
    [InlineData("false", "true", Severity.High, "on in production and off in staging")]
    [InlineData("true", "false", Severity.Medium, "on in staging and off in production")]
    public void Config_FeatureFlag_RanksHigherWhenOnInB(string a, string b, Severity severity, string summary)
    {
        var d = Single(Diff(Deployment(Env(("FEATURE_NEW_CHECKOUT", a))), Deployment(Env(("FEATURE_NEW_CHECKOUT", b)))), "env.FEATURE_NEW_CHECKOUT");

        Assert.Equal(DiffClass.Config, d.Class);
        Assert.Equal(severity, d.Severity);
        Assert.Contains(summary, d.Summary);
    }

    [Theory]
    [InlineData("SPLIT_PAYMENTS_ENABLED")]
    [InlineData("ADS_FLAG")]
    [InlineData("ENABLE_ADS")]
    [InlineData("feature.split-payments")]
    public void Config_FlagNames_AreRecognised(string name)
    {
        var d = Single(Diff(Deployment(Env((name, "off"))), Deployment(Env((name, "on")))), "env." + name);

        Assert.Contains("feature flag", d.Summary);
    }

    [Theory]
    [InlineData("ORDERS_TIMEOUT_MS", "5000", "800", Severity.High)]
    [InlineData("ORDERS_TIMEOUT", "3s", "2s", Severity.Medium)]
    [InlineData("READ_TIMEOUT_SECONDS", "30", "5", Severity.High)]
    public void Config_Timeouts_RankByRatio(string name, string a, string b, Severity severity)
    {
        var d = Single(Diff(Deployment(Env((name, a))), Deployment(Env((name, b)))), "env." + name);

        Assert.Equal(severity, d.Severity);
        Assert.Contains("production gives up after", d.Risk);
    }

    [Fact]
    public void Config_AddressesDifferingOnlyInHost_AreMarkedHostOnly()
    {
        var d = Single(Diff(Deployment(Env(("PUBLIC_URL", "https://staging.shop.example.com/app"))), Deployment(Env(("PUBLIC_URL", "https://shop.example.com/app")))), "env.PUBLIC_URL");

        Assert.Equal(Severity.Low, d.Severity);
        Assert.True(d.HostOnly);
    }

    [Fact]
    public void Config_ValueInBPointingIntoA_IsHigh()
    {
        var a = Deployment(Env(("ORDERS_URL", "http://orders.shop-staging.svc.cluster.local:8080")), ns: "shop-staging");
        var b = Deployment(Env(("ORDERS_URL", "http://orders.shop-staging.svc.cluster.local:8080")), ns: "shop");

        var result = Diff(a, b, new EnvDiffOptions { NamespaceMap = new Dictionary<string, string> { ["shop-staging"] = "shop" } });

        var d = Single(result, "env.ORDERS_URL");
        Assert.Equal(Severity.High, d.Severity);
        Assert.Contains("points into staging (shop-staging)", d.Summary);
    }

    [Fact]
    public void Config_EnvironmentWordOfTheOtherSide_IsHigh()
    {
        var result = Diff(Deployment(Env(("PAYMENTS_API", "https://api.sandbox.payments.example"))), Deployment(Env(("PAYMENTS_API", "https://api.staging.payments.example"))));

        Assert.Equal(Severity.High, Single(result, "env.PAYMENTS_API").Severity);
    }

    [Fact]
    public void Config_MappedNamespaceInAddresses_IsNotADifference()
    {
        var a = Deployment(Env(("PAYMENT_ADDR", "payment.shop-staging:8080")), ns: "shop-staging");
        var b = Deployment(Env(("PAYMENT_ADDR", "payment.shop:8080")));

        var result = Diff(a, b, new EnvDiffOptions { NamespaceMap = new Dictionary<string, string> { ["shop-staging"] = "shop" } });

        Assert.Empty(result.Differences);
        Assert.Equal(1, result.Matched);
    }

    [Fact]
    public void Config_OnlyOnOneSideAndFromASecret_AreReported()
    {
        const string secret = "env:\n  - name: DB_URL\n    valueFrom: {secretKeyRef: {name: db, key: url}}\n  - name: RETRY_LIMIT\n    value: \"3\"";
        var result = Diff(Deployment(Env(("DB_URL", "postgres://app:hunter2@db:5432/app"))), Deployment(secret));

        var db = Single(result, "env.DB_URL");
        Assert.Equal(Severity.Low, db.Severity);
        Assert.Equal("postgres://app:***@db:5432/app", db.A.Shown);
        Assert.Equal("from Secret db key url", db.B.Shown);
        Assert.Equal(Severity.Medium, Single(result, "env.RETRY_LIMIT").Severity);
    }

    [Fact]
    public void Config_ConfigMapKeys_AreComparedOnceWhereTheyAreRead()
    {
        const string configMap = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: api-config-NAME, namespace: shop}
            data:
              CACHE_TTL: "{ttl}"
              application.yaml: "{file}"
            """;
        const string container = "envFrom:\n  - configMapRef: {name: api-config-NAME}";
        var a = Deployment(container.Replace("NAME", "7g2k9m4t5b")) + "\n" + configMap.Replace("NAME", "7g2k9m4t5b").Replace("{ttl}", "60").Replace("{file}", "pool: 5");
        var b = Deployment(container.Replace("NAME", "b8d2h6f9kc")) + "\n" + configMap.Replace("NAME", "b8d2h6f9kc").Replace("{ttl}", "600").Replace("{file}", "pool: 50");

        var result = Diff(a, b);

        var ttl = Single(result, "env.CACHE_TTL");
        Assert.Equal("Deployment", ttl.Kind);
        Assert.Equal("container api", ttl.Scope);
        Assert.DoesNotContain(result.Differences, d => d.Kind == "ConfigMap" && d.Field == "data.CACHE_TTL");
        Assert.DoesNotContain(result.Differences, d => d.Class == DiffClass.Presence);
        Assert.Equal(2, result.Matched);
    }

    [Fact]
    public void Config_KeysNotReadAsEnv_AreComparedOnTheConfigMap()
    {
        const string configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata:\n  db.pool.size: \"N\"\n";

        var d = Single(Diff(configMap.Replace("N", "5"), configMap.Replace("N", "50")), "data.db.pool.size");

        Assert.Equal("ConfigMap", d.Kind);
        Assert.Equal(Severity.Medium, d.Severity);
        Assert.Contains("staging runs with less capacity", d.Risk);
    }

    [Fact]
    public void Mesh_VirtualServiceTimeoutsAndRetries_AreCompared()
    {
        const string vs = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: payment, namespace: shop}
            spec:
              hosts: [payment]
              http:
                - route: [{destination: {host: payment}}]
                  timeout: TIMEOUT
            RETRIES
            """;

        var result = Diff(vs.Replace("TIMEOUT", "10s").Replace("RETRIES", ""), vs.Replace("TIMEOUT", "2s").Replace("RETRIES", "      retries: {attempts: 2, perTryTimeout: 1s}"));

        var timeout = Single(result, "timeout");
        Assert.Equal(DiffClass.Mesh, timeout.Class);
        Assert.Equal(Severity.High, timeout.Severity);
        Assert.Equal("route to payment.shop", timeout.Scope);
        Assert.Equal("10s", timeout.A.Shown);
        var retries = Single(result, "retries");
        Assert.Equal(Severity.Medium, retries.Severity);
        Assert.Equal("3 times", retries.B.Shown);
    }

    [Fact]
    public void Pdb_OnOneSideAndDifferentBudgets_AreReported()
    {
        const string pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: NAME, namespace: shop}\nspec:\n  minAvailable: N\n  selector: {matchLabels: {app: api}}\n";

        var result = Diff(pdb.Replace("NAME", "api").Replace("N", "1"), pdb.Replace("NAME", "api").Replace("N", "2") + "---\n" + pdb.Replace("NAME", "web").Replace("N", "1"));

        Assert.Equal(Severity.Low, Single(result, "minAvailable").Severity);
        var only = Single(result, "object");
        Assert.Equal(DiffClass.Pdb, only.Class);
        Assert.Equal(Severity.Medium, only.Severity);
        Assert.Equal("web", only.Name);
    }

    [Fact]
    public void Scheduling_NodeSelectorAndTolerations_AreCompared()
    {
        var result = Diff(Deployment(), Deployment(pod: "nodeSelector: {pool: highmem}\ntolerations:\n  - {key: dedicated, operator: Equal, value: highmem, effect: NoSchedule}"));

        var selector = Single(result, "nodeSelector");
        Assert.Equal(DiffClass.Scheduling, selector.Class);
        Assert.Equal(Severity.Medium, selector.Severity);
        Assert.Equal("pool=highmem", selector.B.Shown);
        Assert.Equal("dedicated=highmem:NoSchedule", Single(result, "tolerations").B.Shown);
    }

    [Fact]
    public void Presence_ObjectsOnOneSide_RankByKind()
    {
        const string policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n";

        var result = Diff(Deployment(name: "worker"), policy);

        Assert.Equal(2, result.Differences.Count);
        Assert.Equal(1, result.OnlyInA);
        Assert.Equal(1, result.OnlyInB);
        var np = result.Differences[0];
        Assert.Equal(("NetworkPolicy", Severity.High, DiffClass.Presence), (np.Kind, np.Severity, np.Class));
        Assert.Null(np.A.Location);
        var worker = result.Differences[1];
        Assert.Equal(("worker", Severity.Medium), (worker.Name, worker.Severity));
    }

    [Fact]
    public void Matching_WithoutNamespaceMap_PutsEverythingOnOneSide()
    {
        var result = Diff(Deployment(ns: "shop-staging"), Deployment());

        Assert.Equal(0, result.Matched);
        Assert.Equal(2, result.Differences.Count);
    }

    [Fact]
    public void Expected_EnvFileRules_DropAndCountDifferences()
    {
        var where = new SourceLocation(".faultline/env.yaml", 3);
        var options = new EnvDiffOptions
        {
            Expected = new EnvExpectations
            {
                Hostnames = where,
                ReplicaRatio = (3m, where),
                Keys = [("OTEL_*", where)],
                Differences = [new ExpectedRule(DiffClass.Image, "Deployment/api", null, "promoted separately", where)],
            },
        };
        var a = Deployment(Env(("PUBLIC_URL", "https://staging.example.com"), ("OTEL_SAMPLER_ARG", "1.0"), ("FEATURE_X", "on")), replicas: 1, image: "ghcr.io/acme/api:1.5.0");
        var b = Deployment(Env(("PUBLIC_URL", "https://example.com"), ("OTEL_SAMPLER_ARG", "0.1"), ("FEATURE_X", "off")), replicas: 3);

        var result = Diff(a, b, options);

        Assert.Equal("env.FEATURE_X", Assert.Single(result.Differences).Field);
        Assert.Equal(["hostnames", "keys OTEL_*", "promoted separately", "replicaRatio 3"], result.Expected.Select(e => e.Because).Order().ToArray());
        Assert.All(result.Expected, e => Assert.Equal(where, e.Where));
    }

    [Fact]
    public void Expected_ReplicaRatio_KeepsLargerRatios()
    {
        var options = new EnvDiffOptions { Expected = new EnvExpectations { ReplicaRatio = (2m, new SourceLocation("env.yaml", 1)) } };

        var result = Diff(Deployment(replicas: 1), Deployment(replicas: 3), options);

        Assert.Single(result.Differences);
        Assert.Empty(result.Expected);
    }

    [Fact]
    public void Differences_AreSortedMostSevereFirst()
    {
        var result = Diff(
            Deployment(Env(("LOG_LEVEL", "debug"), ("FEATURE_X", "false")) + "\nresources: {limits: {memory: 1Gi}}", replicas: 1),
            Deployment(Env(("LOG_LEVEL", "info"), ("FEATURE_X", "true")), replicas: 3));

        Assert.Equal(result.Differences.Select(d => d.Severity).OrderDescending(), result.Differences.Select(d => d.Severity));
        Assert.Equal(Severity.Info, result.Differences[^1].Severity);
        Assert.Equal(2, result.Failing(Severity.High));
    }
}
