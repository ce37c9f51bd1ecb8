namespace Faultline.Cli.Tests;

/// <summary>Layered settings through the CLI: config show/explain, locks in check, ignorePaths.</summary>
public sealed class SettingsTests
{
    private static readonly Dictionary<string, string> Managed = new()
    {
        ["FAULTLINE_MANAGED_SETTINGS"] = "examples/settings/managed.yaml",
    };

    [Fact]
    public void ConfigShow_Origin_MatchesGolden()
    {
        var (exit, stdout, stderr) = Repo.Process(["config", "show", "--origin", "--path", "examples/settings"], env: Managed);

        Assert.Equal(0, exit);
        Assert.Contains("settings.yaml:2: warning: failOn is locked by the managed settings", stderr);
        Repo.AssertGolden("config-show.txt", stdout);
    }

    [Fact]
    public void ConfigShow_Json_RecordsAttemptsAndChains()
    {
        var (exit, stdout, _) = Repo.Process(["config", "show", "--format", "json", "--path", "examples/settings"], env: Managed);

        Assert.Equal(0, exit);
        Repo.AssertGolden("config-show.json", stdout);
    }

    [Fact]
    public void ConfigExplain_ShowsTheChainAndMergeRule()
    {
        var (exit, stdout, _) = Repo.Process(["config", "explain", "startupSeconds.checkout", "--path", "examples/settings"], env: Managed);

        Assert.Equal(0, exit);
        Repo.AssertGolden("config-explain.txt", stdout);
    }

    [Fact]
    public void Check_EnforcedLock_IsAnErrorNamingFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-settings").FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".faultline"));
        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "# team\ndisable: [probe.readiness-missing]\n");
        File.WriteAllText(Path.Combine(dir, "svc.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");

        var (exit, _, stderr) = Repo.Process(["check", dir], env: Managed);

        Assert.Equal(2, exit);
        Assert.Contains("settings.yaml:2: error: disable: probe.readiness-missing is locked by the managed settings", stderr);
    }

    [Fact]
    public void Check_IgnorePaths_SkipsMatchingFiles()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-settings").FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".faultline"));
        Directory.CreateDirectory(Path.Combine(dir, "scratch"));
        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "ignorePaths: [\"scratch/**\"]\n");
        File.WriteAllText(Path.Combine(dir, "scratch", "bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: none}\n  ports: [{port: 80}]\n");
        File.WriteAllText(Path.Combine(dir, "ok.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");

        var (exit, stdout, _) = Repo.Process(["check", dir, "--format", "json"]);

        Assert.Equal(0, exit);
        Assert.Contains("\"objects\": 1", stdout);
    }
}
