using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Rules;
using Faultline.Sources.Settings;

namespace Faultline.Sources.Tests;

public sealed class LayeredSettingsTests
{
    private static readonly SettingsScope[] FileScopes = [SettingsScope.User, SettingsScope.Project, SettingsScope.Local, SettingsScope.Managed];

    private sealed class Scopes : IDisposable
    {
        private readonly TempDir _dir = new();

        public Dictionary<SettingsScope, string> Files { get; } = [];

        public List<SettingValue> CommandLine { get; } = [];

        public void Set(SettingsScope scope, string yaml)
        {
            if (scope == SettingsScope.CommandLine)
            {
                // The command line sets failOn the way the CLI does: a synthetic node with no file.
                var value = yaml.Split(':', 2)[1].Trim();
                CommandLine.Add(new SettingValue("failOn", new ScalarNode(0, value, false), scope, new SourceLocation("command line", 0)));
                return;
            }
            Files[scope] = _dir.Write($"{scope}.yaml", yaml);
        }

        public (LayeredSettings Settings, List<InputDiagnostic> Diagnostics) Load()
        {
            var diagnostics = new List<InputDiagnostic>();
            var sources = new SettingsSources(Files.GetValueOrDefault(SettingsScope.Managed), Files.GetValueOrDefault(SettingsScope.User),
                Files.GetValueOrDefault(SettingsScope.Project), Files.GetValueOrDefault(SettingsScope.Local));
            return (LayeredSettings.Load(sources, CommandLine, RuleCatalog.Builtin, diagnostics), diagnostics);
        }

        public void Dispose() => _dir.Dispose();
    }

    public static TheoryData<SettingsScope, SettingsScope> ScopePairs()
    {
        var data = new TheoryData<SettingsScope, SettingsScope>();
        foreach (var low in Enum.GetValues<SettingsScope>())
        {
            foreach (var high in Enum.GetValues<SettingsScope>().Where(h => h > low))
            {
                data.Add(low, high);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ScopePairs))]
    public void Scalar_HigherScopeWins(SettingsScope low, SettingsScope high)
    {
        using var scopes = new Scopes();
        scopes.Set(low, "failOn: low\n");
        scopes.Set(high, "failOn: critical\n");

        var (layered, diagnostics) = scopes.Load();

        Assert.Empty(diagnostics);
        Assert.Equal(Severity.Critical, layered.Settings.FailOn);
        var e = layered.Find("failOn")!;
        Assert.Equal(high, e.Scope);
        Assert.Equal(low, Assert.Single(e.Overridden).Scope);
    }

    [Fact]
    public void Lists_DisableIsAUnionOfEveryScope()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.User, "disable: [image.mutable-tag]\n");
        scopes.Set(SettingsScope.Project, "disable: [availability.single-replica]\n");

        var (layered, _) = scopes.Load();

        Assert.Equal(["availability.single-replica", "image.mutable-tag"], layered.Settings.Disabled.Order());
        Assert.Equal(MergeStrategy.Union, layered.Find("disable")!.Strategy);
    }

    [Fact]
    public void Maps_MergeByKey()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.Project, "rules:\n  image.mutable-tag: {severity: high}\nstartupSeconds: {checkout: 90}\n");
        scopes.Set(SettingsScope.Local, "rules:\n  probe.readiness-missing: {severity: low}\nstartupSeconds: {payment: 30}\n");

        var (layered, _) = scopes.Load();

        Assert.Equal(Severity.High, layered.Settings.SeverityOverrides["image.mutable-tag"]);
        Assert.Equal(Severity.Low, layered.Settings.SeverityOverrides["probe.readiness-missing"]);
        Assert.Equal(90, layered.Settings.StartupSeconds["checkout"]);
        Assert.Equal(30, layered.Settings.StartupSeconds["payment"]);
    }

    [Theory]
    [InlineData("enforce", DiagnosticLevel.Error)]
    [InlineData("warn", DiagnosticLevel.Warning)]
    [InlineData("audit", null)]
    public void Lock_LowerScopeCannotChangeALockedKey(string enforcement, DiagnosticLevel? reported)
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.Managed, $"enforcement: {enforcement}\nlocked: [failOn, rules.probe.readiness-missing]\nfailOn: medium\n");
        scopes.Set(SettingsScope.Project, "failOn: none\ndisable: [probe.readiness-missing, image.mutable-tag]\nrules:\n  probe.readiness-missing: {severity: info}\n");

        var (layered, diagnostics) = scopes.Load();

        Assert.Equal(Severity.Medium, layered.Settings.FailOn);
        Assert.True(layered.Settings.IsEnabled("probe.readiness-missing"));
        Assert.False(layered.Settings.IsEnabled("image.mutable-tag"));
        Assert.False(layered.Settings.SeverityOverrides.ContainsKey("probe.readiness-missing"));
        Assert.Equal(3, layered.Attempts.Count);
        Assert.All(layered.Attempts, a => Assert.Equal(enforcement, a.Enforcement));
        var failOn = layered.Attempts.Single(a => a.Key == "failOn");
        Assert.EndsWith("Project.yaml", failOn.Location.File);
        Assert.Equal(1, failOn.Location.Line);
        if (reported is { } level)
        {
            Assert.Equal(3, diagnostics.Count(d => d.Level == level));
        }
        else
        {
            Assert.Empty(diagnostics);
        }
    }

    [Fact]
    public void Lock_PerKeyEnforcementOverridesTheDefault()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.Managed, "enforcement: warn\nlocked:\n  - {key: failOn, enforcement: enforce}\n  - disable\n");
        scopes.Set(SettingsScope.Local, "failOn: none\ndisable: [image.mutable-tag]\n");

        var (layered, diagnostics) = scopes.Load();

        Assert.Equal("enforce", layered.Attempts.Single(a => a.Key == "failOn").Enforcement);
        Assert.Equal("warn", layered.Attempts.Single(a => a.Key == "disable").Enforcement);
        Assert.Contains(diagnostics, d => d.Level == DiagnosticLevel.Error && d.Message.Contains("failOn", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKey_GetsASuggestionWithFileAndLine()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.Project, "failOn: high\nfailon: low\nrules:\n  image.mutable-tags: {severity: low}\n");

        var (_, diagnostics) = scopes.Load();

        Assert.Contains(diagnostics, d => d.Location.Line == 2 && d.Message.Contains("did you mean 'failOn'?", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Location.Line == 4 && d.Message.Contains("did you mean 'image.mutable-tag'?", StringComparison.Ordinal));
    }

    [Fact]
    public void TypeError_NamesFileAndLine()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.User, "# user settings\nfailOn: [high]\nstartupSeconds: {api: soon}\n");

        var (_, diagnostics) = scopes.Load();

        Assert.Contains(diagnostics, d => d.Location.Line == 2 && d.Location.File.EndsWith("User.yaml", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Location.Line == 3 && d.Message.Contains("whole number", StringComparison.Ordinal));
    }

    [Fact]
    public void ManagedOnlyKeys_AreRefusedInLowerScopes()
    {
        using var scopes = new Scopes();
        scopes.Set(SettingsScope.Project, "locked: [failOn]\n");

        var (layered, diagnostics) = scopes.Load();

        Assert.Contains(diagnostics, d => d.Message.Contains("only be set in the managed settings", StringComparison.Ordinal));
        Assert.Null(layered.Find("locked"));
    }

    [Theory]
    [InlineData("registryToken", "abc123", "****")]
    [InlineData("url", "postgres://app:s3cret@db:5432/app", "****")]
    [InlineData("dsn", "Server=db;Password=hunter2", "****")]
    [InlineData("failOn", "high", "high")]
    public void Mask_HidesSecretLookingValues(string key, string value, string shown)
    {
        Assert.Equal(shown, LayeredSettings.Mask(key, value));
    }
}
