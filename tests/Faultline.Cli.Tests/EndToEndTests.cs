namespace Faultline.Cli.Tests;

/// <summary>The CLI as a separate process: exit codes, stdin, kustomize folders, bad input, --output.</summary>
public sealed class EndToEndTests
{
    private const string BrokenService = "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n";

    [Fact]
    public void Check_Shop_ExitsOneWithFindingsAtHigh()
    {
        var (exit, stdout, _) = Repo.Process(["check", "examples/shop"]);

        Assert.Equal(1, exit);
        Assert.Contains("reference.unknown-service", stdout);
        Assert.Matches(@"\d+ findings \(\d+ high", stdout.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public void Check_FailOnNone_ExitsZero()
    {
        Assert.Equal(0, Repo.Process(["check", "examples/shop", "--fail-on", "none"]).Exit);
    }

    [Fact]
    public void Check_Stdin_ReadsTheStream()
    {
        var (exit, stdout, _) = Repo.Process(["check", "-", "--format", "json"], stdin: BrokenService);

        Assert.Equal(1, exit);
        Assert.Contains("reference.selector-matches-nothing", stdout);
        Assert.Contains("\"file\": \"<stdin>\"", stdout);
    }

    [Fact]
    public void Check_KustomizeFolder_IsRenderedAndPointsAtSourceFiles()
    {
        var (exit, stdout, stderr) = Repo.Process(["check", "tests/Faultline.Cli.Tests/Corpus/microservices-demo/kubernetes-manifests", "--format", "json", "--fail-on", "none"]);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("\"file\": \"tests/Faultline.Cli.Tests/Corpus/microservices-demo/kubernetes-manifests/frontend.yaml\",\n      \"line\": 83,", stdout);
        Assert.DoesNotContain("(rendered)", stdout);
    }

    [Fact]
    public void Check_NothingReadable_ExitsTwoNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-e2e").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "kind: Service\nmetadata:\n  name: [broken\n");

        var (exit, _, stderr) = Repo.Process(["check", dir]);

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml:", stderr);
        Assert.Contains("invalid YAML", stderr);
    }

    [Fact]
    public void Check_SomeFilesBad_ReportsThemAndChecksTheRest()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-e2e").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "a: [\n");
        File.WriteAllText(Path.Combine(dir, "svc.yaml"), BrokenService);

        var (exit, stdout, stderr) = Repo.Process(["check", dir]);

        Assert.Equal(1, exit);
        Assert.Contains("bad.yaml:2: error: invalid YAML", stderr);
        Assert.Contains("reference.selector-matches-nothing", stdout);
    }

    [Fact]
    public void Check_UnknownOption_ExitsTwo()
    {
        var (exit, _, stderr) = Repo.Process(["check", "--no-such-option"]);

        Assert.Equal(2, exit);
        Assert.Contains("--no-such-option", stderr);
    }

    [Fact]
    public void Check_UnknownRuleOrBadFailOn_ExitsTwo()
    {
        Assert.Equal(2, Repo.Run(["check", "examples/shop", "--disable", "no.such-rule"]).Exit);
        Assert.Equal(2, Repo.Run(["check", "examples/shop", "--fail-on", "severe"]).Exit);
    }

    [Fact]
    public void Check_Output_WritesFileAndNothingToStdout()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("faultline-e2e").FullName, "report.sarif");

        var (exit, stdout, _) = Repo.Run(["check", "examples/shop", "--format", "sarif", "--output", file]);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("\"version\": \"2.1.0\"", File.ReadAllText(file));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));
    }

    [Fact]
    public void Check_DisableAndIgnoreAnnotation_SuppressFindings()
    {
        var annotated = BrokenService.Replace("metadata: {name: api}", "metadata: {name: api, annotations: {faultline.dev/ignore: reference.selector-matches-nothing, faultline.dev/ignore-reason: decommissioned}}");

        var disabled = Repo.Run(["check", "-", "--disable", "reference.selector-matches-nothing"], stdin: BrokenService);
        var ignored = Repo.Run(["check", "-", "--format", "json"], stdin: annotated);

        Assert.Equal(0, disabled.Exit);
        Assert.Equal(0, ignored.Exit);
        Assert.Contains("\"suppressed\": 1", ignored.Stdout);
    }

    [Fact]
    public void Check_ProjectSettings_AreFoundAboveTheInputAndValidated()
    {
        var dir = Directory.CreateTempSubdirectory("faultline-e2e").FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".faultline"));
        Directory.CreateDirectory(Path.Combine(dir, "deploy"));
        File.WriteAllText(Path.Combine(dir, "deploy", "svc.yaml"), BrokenService);
        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "failOn: none\ndisable: [availability.single-replica]\n");

        Assert.Equal(0, Repo.Run(["check", Path.Combine(dir, "deploy")]).Exit);

        File.WriteAllText(Path.Combine(dir, ".faultline", "settings.yaml"), "failOn: none\nrules:\n  image.mutable-tag:\n    severity: extreme\n");
        var (exit, _, stderr) = Repo.Run(["check", Path.Combine(dir, "deploy")]);
        Assert.Equal(2, exit);
        Assert.Contains("settings.yaml:4", stderr);
    }

    [Fact]
    public void Check_BaseGitRef_ReportsOnlyWhatTheChangeIntroduces()
    {
        var repo = Directory.CreateTempSubdirectory("faultline-git").FullName;
        void Git(params string[] args)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
            using var p = System.Diagnostics.Process.Start(start)!;
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
        }
        Directory.CreateDirectory(Path.Combine(repo, "deploy"));
        var service = Path.Combine(repo, "deploy", "svc.yaml");
        File.WriteAllText(service, BrokenService);
        Git("init", "-q");
        Git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "add", ".");
        Git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "base");
        File.WriteAllText(service, BrokenService + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n");

        var (exit, stdout, stderr) = Repo.Process(["check", "deploy", "--base", "HEAD", "--format", "json"], cwd: repo);
        var missing = Repo.Process(["check", "deploy", "--base", "no-such-ref"], cwd: repo);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        Assert.Contains("\"introduced\": 1", stdout);
        Assert.Contains("\"resource\": {\n        \"kind\": \"Service\",\n        \"name\": \"web\"", stdout);
        Assert.DoesNotContain("\"name\": \"api\"", stdout);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no-such-ref", missing.Stderr);
    }

    [Fact]
    public void Rules_ListsEveryRuleAndDocumentsOne()
    {
        var list = Repo.Run(["rules"]);
        var doc = Repo.Run(["rules", "probe.liveness-checks-dependency"]);
        var unknown = Repo.Run(["rules", "nope.nope"]);

        Assert.Equal(Faultline.Core.Rules.RuleCatalog.Builtin.Rules.Count(), list.Stdout.Trim().Split("\n").Length);
        Assert.Contains("dependencyPaths", doc.Stdout);
        Assert.Equal(2, unknown.Exit);
    }

    [Fact]
    public void Readme_RuleCatalogue_IsGeneratedFromTheCode()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var catalogue = Repo.Run(["rules", "--format", "markdown"]).Stdout;

        Assert.Contains(catalogue, readme);
    }
}
