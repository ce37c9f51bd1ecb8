using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Json.Schema;

namespace Faultline.Cli.Tests;

/// <summary>Every output format on examples/shop, and the real-world corpus, against golden files.</summary>
public sealed class GoldenTests
{
    [Theory]
    [InlineData("text", "shop.txt")]
    [InlineData("json", "shop.json")]
    [InlineData("sarif", "shop.sarif")]
    [InlineData("junit", "shop.junit.xml")]
    [InlineData("markdown", "shop.md")]
    public void Check_Shop_MatchesGolden(string format, string golden)
    {
        var (exit, stdout, stderr) = Repo.Run(["check", "examples/shop", "--format", format, "--color", "never"]);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        Repo.AssertGolden(golden, stdout);
    }

    [Theory]
    [InlineData("text", "change.txt")]
    [InlineData("json", "change.json")]
    public void Check_ChangeExample_MatchesGolden(string format, string golden)
    {
        var (exit, stdout, stderr) = Repo.Run(["check", "examples/change/head", "--base", "examples/change/base", "--format", format, "--color", "never"]);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        Repo.AssertGolden(golden, stdout);
    }

    [Fact]
    public void Graph_ChangeExample_MarksChangesAgainstTheBase()
    {
        var (exit, stdout, _) = Repo.Run(["graph", "examples/change/head", "--base", "examples/change/base", "--format", "json"]);

        Assert.Equal(0, exit);
        Repo.AssertGolden("change-graph.json", stdout);
    }

    [Fact]
    public void Graph_ChangeExample_DrawsTheDeclaredCallToAnExternalBank()
    {
        var (exit, stdout, _) = Repo.Run(["graph", "examples/change/head", "--format", "json"]);
        Assert.Equal(0, exit);
        var root = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        var bank = Assert.Single(root.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == "shop/bank");
        Assert.Equal("External", bank.GetProperty("kind").GetString());
        Assert.False(bank.GetProperty("missing").GetBoolean());
        var call = Assert.Single(root.GetProperty("edges").EnumerateArray(), e => e.GetProperty("to").GetString() == "shop/bank");
        Assert.Equal("shop/payment", call.GetProperty("from").GetString());
        Assert.True(call.GetProperty("declared").GetBoolean());
        Assert.False(call.GetProperty("broken").GetBoolean());
        // A call the manifests wire is not marked declared, even when a faultline.yaml also states it.
        var wired = Assert.Single(root.GetProperty("edges").EnumerateArray(), e => e.GetProperty("from").GetString() == "shop/frontend");
        Assert.False(wired.GetProperty("declared").GetBoolean());
    }

    [Theory]
    [InlineData("mermaid", "shop-graph.mmd")]
    [InlineData("dot", "shop-graph.dot")]
    [InlineData("json", "shop-graph.json")]
    public void Graph_Shop_MatchesGolden(string format, string golden)
    {
        var (exit, stdout, _) = Repo.Run(["graph", "examples/shop", "--format", format]);

        Assert.Equal(0, exit);
        Repo.AssertGolden(golden, stdout);
    }

    [Theory]
    [InlineData("upgrade-shop-1.32-1.34.md", "examples/shop", "1.32", "1.34")]
    [InlineData("upgrade-legacy-1.24-1.26.md", "examples/legacy", "1.24", "1.26")]
    public void UpgradePlan_Markdown_MatchesGolden(string golden, string path, string from, string to)
    {
        var (exit, stdout, stderr) = Repo.Run(["upgrade", "plan", "--from", from, "--to", to, path, "--format", "markdown"]);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        Repo.AssertGolden(golden, stdout);
    }

    [Theory]
    [InlineData("corpus-boutique-kustomize.json", "microservices-demo/kubernetes-manifests")]
    [InlineData("corpus-boutique-release.json", "microservices-demo/release")]
    [InlineData("corpus-otel-demo.json", "opentelemetry-demo", "-n", "otel-demo")]
    public void Check_Corpus_MatchesGolden(string golden, string path, params string[] extra)
    {
        var (exit, stdout, stderr) = Repo.Run(["check", path, "--format", "json", "--fail-on", "none", .. extra], cwd: Path.Combine(Repo.TestDir, "Corpus"));

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Repo.AssertGolden(golden, stdout);
    }

    [Fact]
    public void Json_Shop_HasSchemaVersionAndEveryField()
    {
        var (_, stdout, _) = Repo.Run(["check", "examples/shop", "--format", "json"]);
        var doc = JsonNode.Parse(stdout)!;

        Assert.Equal(1, doc["schemaVersion"]!.GetValue<int>());
        var findings = doc["findings"]!.AsArray();
        Assert.NotEmpty(findings);
        foreach (var f in findings)
        {
            foreach (var key in new[] { "ruleId", "severity", "service", "namespace", "file", "line", "message", "assumption", "evidence", "remediation", "blastRadius", "blastRadiusCount", "blastPath", "blastDepth" })
            {
                Assert.NotNull(f![key]);
            }
            Assert.NotNull(f!["resource"]!["kind"]);
            Assert.NotNull(f["resource"]!["name"]);
        }
        Assert.Equal(findings.Count, doc["summary"]!["findings"]!.GetValue<int>());
    }

    [Fact]
    public void Sarif_Shop_IsValidAgainstSchema()
    {
        var (_, stdout, _) = Repo.Run(["check", "examples/shop", "--format", "sarif"]);
        var schema = JsonSchema.FromFile(Path.Combine(Repo.TestDir, "Schemas", "sarif-2.1.0-subset.json"));

        var result = schema.Evaluate(JsonNode.Parse(stdout), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        var sarif = JsonDocument.Parse(stdout).RootElement;
        var results = sarif.GetProperty("runs")[0].GetProperty("results");
        Assert.All(results.EnumerateArray(), r =>
        {
            var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.StartsWith("examples/shop/", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.True(location.GetProperty("region").GetProperty("startLine").GetInt32() >= 1);
        });
    }

    [Fact]
    public void Junit_Shop_OneSuitePerRuleOneCasePerService()
    {
        var (_, stdout, _) = Repo.Run(["check", "examples/shop", "--format", "junit"]);
        var xml = XDocument.Parse(stdout);

        var suites = xml.Root!.Elements("testsuite").ToList();
        // Rules that need more than the manifests (a target release, recommendations) do not run in a plain check.
        Assert.Equal(Faultline.Core.Rules.RuleCatalog.Builtin.Rules.Count(r => r.AppliesTo(Faultline.Core.Settings.CheckSettings.Default)), suites.Count);
        var failures = xml.Descendants("failure").Count();
        Assert.True(failures > 0);
        Assert.Equal(failures, int.Parse(xml.Root.Attribute("failures")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        var portMismatch = suites.Single(s => s.Attribute("name")!.Value == "reference.port-mismatch");
        Assert.Single(portMismatch.Elements("testcase"), t => t.Element("failure") is not null && t.Attribute("name")!.Value == "shop/checkout");
    }
}
