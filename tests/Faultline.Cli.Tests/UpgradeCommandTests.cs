using System.Text.Json.Nodes;

namespace Faultline.Cli.Tests;

/// <summary>`faultline upgrade plan` end to end: JSON shape, exit codes, bad versions, and `check --kubernetes-version`.</summary>
public sealed class UpgradeCommandTests
{
    private static JsonNode Json(params string[] args)
    {
        var (exit, stdout, stderr) = Repo.Run(["upgrade", "plan", .. args, "--format", "json"]);
        Assert.True(exit is 0 or 1, $"exit {exit}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    [Fact]
    public void Json_Legacy_HasStepsWithEveryField()
    {
        var doc = Json("--from", "1.28", "--to", "v1.32.0", "examples/legacy");

        Assert.Equal(1, doc["schemaVersion"]!.GetValue<int>());
        var steps = doc["steps"]!.AsArray();
        Assert.Equal(["1.28", "1.29", "1.30", "1.31"], steps.Select(s => s!["from"]!.GetValue<string>()));
        foreach (var step in steps)
        {
            foreach (var key in new[] { "from", "to", "removed", "deprecated", "notes", "blockers", "skew", "addons", "charts", "checklist", "rollback" })
            {
                Assert.NotNull(step![key]);
            }
        }
        // Everything removed before 1.28 is reported once, in the first step, as already unserved.
        var first = steps[0]!["removed"]!.AsArray();
        Assert.Equal(4, first.Count);
        Assert.All(first, r => Assert.Equal("already-unserved", r!["migrate"]!.GetValue<string>()));
        var flowcontrol = steps[3]!["removed"]!.AsArray();
        Assert.Equal(2, flowcontrol.Count);
        var plc = flowcontrol.Single(r => r!["kind"]!.GetValue<string>() == "PriorityLevelConfiguration")!;
        Assert.Equal("before-upgrade", plc["migrate"]!.GetValue<string>());
        Assert.Equal("flowcontrol.apiserver.k8s.io/v1", plc["replacement"]!.GetValue<string>());
        Assert.Equal("examples/legacy/flowcontrol.yaml", plc["file"]!.GetValue<string>());
        Assert.Equal(3, plc["line"]!.GetValue<int>());
        Assert.Equal("platform", plc["owner"]!.GetValue<string>());
        Assert.True(plc.AsObject().ContainsKey("namespace"));
        Assert.Null(plc["namespace"]);
        Assert.Contains("explicit 0 is kept as 0", plc["notes"]!.GetValue<string>());
        var nginx = steps[1]!["addons"]!.AsArray().Single()!;
        Assert.Equal("unsupported", nginx["status"]!.GetValue<string>());
        Assert.Equal("1.11", nginx["firstSupporting"]!.GetValue<string>());
        Assert.Equal("excludes", steps[0]!["charts"]![0]!["status"]!.GetValue<string>());
        Assert.False(doc["summary"]!["passed"]!.GetValue<bool>());
        Assert.Equal(1, doc["summary"]!["blockers"]!.GetValue<int>());
    }

    [Fact]
    public void Json_KubeletVersionOption_IsCheckedPerStep()
    {
        var doc = Json("--from", "1.32", "--to", "1.34", "examples/shop", "--kubelet-version", "1.30", "--kubelet-version", "v1.32.4");

        var kubelet1 = doc["steps"]![0]!["skew"]!.AsArray().Where(k => k!["component"]!.GetValue<string>() == "kubelet").ToList();
        var kubelet2 = doc["steps"]![1]!["skew"]!.AsArray().Where(k => k!["component"]!.GetValue<string>() == "kubelet").ToList();
        Assert.All(kubelet1, k => Assert.Equal("ok", k!["status"]!.GetValue<string>()));
        Assert.Equal("violation", kubelet2.Single(k => k!["version"]!.GetValue<string>() == "1.30")!["status"]!.GetValue<string>());
        Assert.Equal("--kubelet-version", kubelet2[0]!["sources"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Plan_NothingToFix_ExitsZero()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-upgrade").FullName;
        File.WriteAllText(Path.Combine(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n");

        var (exit, stdout, _) = Repo.Process(["upgrade", "plan", "--from", "1.33", "--to", "1.35", dir]);

        Assert.Equal(0, exit);
        Assert.Contains("step 1.33 -> 1.34", stdout);
        Assert.EndsWith("nothing stops this plan (2 steps)\n", stdout);
    }

    [Fact]
    public void Plan_TextAndOutputFile_WriteThePlan()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("faultline-upgrade").FullName, "plan.md");

        var (exit, stdout, _) = Repo.Run(["upgrade", "plan", "--from", "1.24", "--to", "1.25", "examples/legacy", "-o", file, "-f", "markdown"]);
        var text = Repo.Run(["upgrade", "plan", "--from", "1.24", "--to", "1.25", "examples/legacy"]).Stdout;

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("# Kubernetes upgrade plan: 1.24 → 1.25", File.ReadAllText(file));
        Assert.Contains("REMOVED     Ingress storefront/storefront extensions/v1beta1  examples/legacy/ingress.yaml:2", text);
        Assert.Contains("CHART       reporting: kubeVersion", text);
    }

    [Theory]
    [InlineData("1.34", "1.32", "--to 1.32 is older than --from 1.34: Kubernetes does not support downgrades")]
    [InlineData("1.32", "1.32", "nothing to plan")]
    [InlineData("1.32", "1.36", "--to 1.36 is beyond Faultline's API data: the last Kubernetes version it knows is 1.35")]
    [InlineData("1.32", "1.99", "--to 1.99 is beyond Faultline's API data")]
    [InlineData("1.10", "1.12", "--from 1.10: unknown Kubernetes version; Faultline's API data covers 1.15 to 1.35")]
    [InlineData("one.thirty", "1.32", "--from 'one.thirty' is not a Kubernetes version")]
    [InlineData("2.1", "2.3", "--from 2.1: unknown Kubernetes version")]
    public void Plan_BadVersions_ExitTwoNamingTheLastKnownVersion(string from, string to, string message)
    {
        var (exit, stdout, stderr) = Repo.Run(["upgrade", "plan", "--from", from, "--to", to, "examples/shop"]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.Contains("1.35", stderr);
    }

    [Fact]
    public void Plan_MissingTo_IsAUsageError()
    {
        var (exit, _, stderr) = Repo.Process(["upgrade", "plan", "--from", "1.32", "examples/shop"]);

        Assert.Equal(2, exit);
        Assert.Contains("--to", stderr);
    }

    [Fact]
    public void Plan_BadKubeletVersion_IsAUsageError()
    {
        var (exit, _, stderr) = Repo.Run(["upgrade", "plan", "--from", "1.32", "--to", "1.33", "examples/shop", "--kubelet-version", "newest"]);

        Assert.Equal(2, exit);
        Assert.Contains("--kubelet-version 'newest'", stderr);
    }

    [Fact]
    public void Check_KubernetesVersion_ReportsRemovedAndDeprecatedApis()
    {
        var (exit, stdout, _) = Repo.Run(["check", "examples/legacy", "--kubernetes-version", "1.25", "--format", "json"]);
        var findings = JsonNode.Parse(stdout)!["findings"]!.AsArray();
        var removed = findings.Where(f => f!["ruleId"]!.GetValue<string>() == "api.removed").Select(f => f!["resource"]!["kind"]!.GetValue<string>()).Order().ToList();
        var deprecated = findings.Where(f => f!["ruleId"]!.GetValue<string>() == "api.deprecated").Select(f => f!["resource"]!["kind"]!.GetValue<string>()).ToList();

        Assert.Equal(1, exit);
        Assert.Equal(["CronJob", "Ingress", "PodDisruptionBudget"], removed);
        Assert.Equal(["HorizontalPodAutoscaler"], deprecated);
        Assert.All(findings.Where(f => f!["ruleId"]!.GetValue<string>() == "api.removed"), f => Assert.Equal("critical", f!["severity"]!.GetValue<string>()));
    }

    [Fact]
    public void Check_WithoutKubernetesVersion_HasNoApiFindings()
    {
        var (_, stdout, _) = Repo.Run(["check", "examples/legacy", "--format", "json"]);

        Assert.DoesNotContain("\"api.", stdout);
    }

    [Fact]
    public void Check_KubernetesVersionInSettings_IsUsedAndValidated()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-upgrade").FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".faultline"));
        File.WriteAllText(Path.Combine(dir, "hpa.yaml"), File.ReadAllText(Path.Combine(Repo.Root, "examples/legacy/hpa.yaml")));
        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "kubernetesVersion: \"1.26\"\n");

        var (exit, stdout, _) = Repo.Run(["check", dir, "--format", "json"]);
        Assert.Equal(1, exit);
        Assert.Contains("\"api.removed\"", stdout);

        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "kubernetesVersion: \"1.40\"\n");
        var bad = Repo.Run(["check", dir]);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("settings.yaml:1: error: kubernetesVersion 1.40 is beyond Faultline's API data: the last Kubernetes version it knows is 1.35", bad.Stderr);
    }
}
