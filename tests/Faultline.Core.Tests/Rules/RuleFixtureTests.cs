using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Core.Upgrade;
using Faultline.Sources.Inputs;
using Faultline.Sources.Resources;

namespace Faultline.Core.Tests.Rules;

/// <summary>
/// Every rule has a folder Fixtures/&lt;rule-id&gt;/ with fires.yaml (the first line says "# expect: N", the number
/// of findings of that rule) and passes.yaml (no finding of that rule). The meta-test fails when a rule lacks either.
/// A leading comment line "# kubernetesVersion: 1.25" in either file sets the target release for the api.* rules;
/// "# recommendations: FILE" gives resources.request-far-from-usage its recommendations (the JSON of
/// `faultline resources recommend`, relative to the fixture).
/// </summary>
public sealed partial class RuleFixtureTests
{
    private static readonly string FixtureRoot = Path.Combine(AppContext.BaseDirectory, "Rules", "Fixtures");

    public static TheoryData<string> RuleIds() => new(RuleCatalog.Builtin.Rules.Select(r => r.Info.Id));

    [GeneratedRegex(@"^#\s*expect:\s*(\d+)")]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^#\s*kubernetesVersion:\s*(\S+)")]
    private static partial Regex KubernetesVersionLine();

    [GeneratedRegex(@"^#\s*recommendations:\s*(\S+)")]
    private static partial Regex RecommendationsLine();

    /// <summary>Checks a fixture; when NAME.base.yaml sits beside NAME.yaml, in change mode against it.</summary>
    internal static CheckResult Check(string file, CheckSettings? settings = null)
    {
        settings = HeaderSettings(file, settings ?? CheckSettings.Default);
        var head = SystemLoader.Load([file], new InputOptions());
        Assert.DoesNotContain(head.Diagnostics, d => d.Level == DiagnosticLevel.Error);
        var baseFile = Path.ChangeExtension(file, ".base.yaml");
        if (!File.Exists(baseFile))
        {
            return CheckEngine.Run(head.Model, settings);
        }
        var baseSystem = SystemLoader.Load([baseFile], new InputOptions());
        Assert.DoesNotContain(baseSystem.Diagnostics, d => d.Level == DiagnosticLevel.Error);
        var result = CheckEngine.Run(head.Model, settings, baseModel: baseSystem.Model);
        return ChangeComparison.Compare(result, CheckEngine.Run(baseSystem.Model, settings), includeExisting: false);
    }

    /// <summary>Applies the settings a fixture's leading comment lines ask for.</summary>
    private static CheckSettings HeaderSettings(string file, CheckSettings settings)
    {
        foreach (var line in File.ReadLines(file).TakeWhile(l => l.StartsWith('#')))
        {
            if (KubernetesVersionLine().Match(line) is { Success: true } m)
            {
                Assert.True(KubeVersion.TryParse(m.Groups[1].Value, out var version), $"{file}: bad kubernetesVersion header");
                settings = settings with { KubernetesVersion = version };
            }
            if (RecommendationsLine().Match(line) is { Success: true } r)
            {
                var diagnostics = new List<InputDiagnostic>();
                var recommendations = RecommendationsFile.Read(Path.Combine(Path.GetDirectoryName(file)!, r.Groups[1].Value), diagnostics);
                Assert.Empty(diagnostics);
                settings = settings with { ResourceRecommendations = recommendations };
            }
        }
        return settings;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_FiresFixture_ReportsExpectedCount(string ruleId)
    {
        var file = Path.Combine(FixtureRoot, ruleId, "fires.yaml");
        Assert.True(File.Exists(file), $"rule {ruleId} has no firing fixture at {file}");
        var first = File.ReadLines(file).First();
        var match = ExpectLine().Match(first);
        Assert.True(match.Success, $"{file}: first line must be '# expect: N'");
        var expected = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var findings = Check(file).Findings.Where(f => f.RuleId == ruleId).ToList();

        Assert.True(expected > 0, "a firing fixture must expect at least one finding");
        Assert.True(expected == findings.Count,
            $"{ruleId}: expected {expected} findings, got {findings.Count}:\n" + string.Join("\n", findings.Select(f => $"{f.Location} {f.Message}")));
        Assert.All(findings, f =>
        {
            Assert.True(f.Location.Line > 0, "a finding must have a line");
            Assert.False(string.IsNullOrWhiteSpace(f.Assumption));
            Assert.False(string.IsNullOrWhiteSpace(f.Evidence));
        });
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_PassesFixture_ReportsNothing(string ruleId)
    {
        var file = Path.Combine(FixtureRoot, ruleId, "passes.yaml");
        Assert.True(File.Exists(file), $"rule {ruleId} has no passing fixture at {file}");

        var findings = Check(file).Findings.Where(f => f.RuleId == ruleId && f.Severity != Severity.Info).ToList();

        Assert.True(findings.Count == 0, $"{ruleId} fired on its passing fixture:\n" + string.Join("\n", findings.Select(f => $"{f.Location} {f.Message}")));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_Catalogue_HasDocumentationAndRemediation(string ruleId)
    {
        var info = RuleCatalog.Builtin.Find(ruleId)!.Info;
        Assert.Matches(@"^[a-z]+\.[a-z0-9-]+$", info.Id);
        Assert.True(info.Documentation.Length > 80, $"{ruleId} needs documentation");
        Assert.True(info.Remediation.Length > 20, $"{ruleId} needs remediation text");
        Assert.False(string.IsNullOrWhiteSpace(info.Title));
        Assert.False(string.IsNullOrWhiteSpace(info.Description));
    }

    [Fact]
    public void Fixtures_EveryFolder_NamesARule()
    {
        foreach (var dir in Directory.GetDirectories(FixtureRoot))
        {
            Assert.True(RuleCatalog.Builtin.Contains(Path.GetFileName(dir)), $"fixture folder {dir} names no rule");
        }
    }

    [Theory]
    [InlineData("api.removed")]
    [InlineData("api.deprecated")]
    public void ApiRule_WithoutKubernetesVersion_DoesNotRun(string ruleId)
    {
        var set = new ManifestLoader(new InputOptions()).Load([Path.Combine(FixtureRoot, ruleId, "fires.yaml")]);

        var result = CheckEngine.Run(ModelBuilder.Build(set.Manifests), CheckSettings.Default);

        Assert.DoesNotContain(result.Findings, f => f.RuleId == ruleId);
        Assert.DoesNotContain(result.RulesRun, r => r.Id == ruleId);
    }

    [Fact]
    public void RequestFarFromUsage_WithoutRecommendations_DoesNotRun()
    {
        const string ruleId = "resources.request-far-from-usage";
        var set = new ManifestLoader(new InputOptions()).Load([Path.Combine(FixtureRoot, ruleId, "fires.yaml")]);

        var result = CheckEngine.Run(ModelBuilder.Build(set.Manifests), CheckSettings.Default);

        Assert.DoesNotContain(result.RulesRun, r => r.Id == ruleId);
    }

    [Fact]
    public void RequestFarFromUsage_NamesTheResourcesBlockAndTheHistory()
    {
        var findings = Check(Path.Combine(FixtureRoot, "resources.request-far-from-usage", "fires.yaml")).Findings
            .Where(f => f.RuleId == "resources.request-far-from-usage").ToList();

        var cpu = Assert.Single(findings, f => f.ResourceName == "checkout" && f.Severity == Severity.Medium);
        // The resources block: its first line (requests:).
        Assert.Equal(20, cpu.Location.Line);
        Assert.Contains("requests 100m CPU, below the 250m", cpu.Message);
        Assert.Contains("4320 samples over 3 d", cpu.Evidence);
        var waste = Assert.Single(findings, f => f.ResourceName == "checkout" && f.Severity == Severity.Low);
        Assert.Contains("4x the 512Mi", waste.Message);
        var oom = Assert.Single(findings, f => f.ResourceName == "cache");
        Assert.Equal(Severity.Medium, oom.Severity);
        Assert.Contains("memory limit of 512Mi, below the 736Mi", oom.Message);
        Assert.Contains("1 OOM kill(s) seen", oom.Evidence);
        var worker = Assert.Single(findings, f => f.ResourceName == "queue-worker");
        Assert.Equal(Severity.Low, worker.Severity);
    }

    [Fact]
    public void Catalog_DuplicateIds_AreRefused()
    {
        var rule = RuleCatalog.Builtin.Rules.First();
        Assert.Throws<InvalidOperationException>(() => new RuleCatalog([rule, rule]));
    }
}
