using System.Text.Json.Nodes;

namespace Faultline.Cli.Tests;

/// <summary>`faultline env diff`: the example against golden files, exit codes, masking, bad input, git refs.</summary>
public sealed class EnvDiffCommandTests
{
    private const string Staging = "examples/shop-envs/overlays/staging";
    private const string Production = "examples/shop-envs/overlays/production";

    private const string Api = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: NS}\nspec:\n  replicas: N\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: 'ghcr.io/acme/api:1.0'}]\n";

    [Theory]
    [InlineData("text", "shop-envs.txt")]
    [InlineData("json", "shop-envs.json")]
    [InlineData("markdown", "shop-envs.md")]
    public void EnvDiff_ShopEnvs_MatchesGolden(string format, string golden)
    {
        var (exit, stdout, stderr) = Repo.Run(["env", "diff", Staging, Production, "--format", format, "--color", "never"]);

        Assert.Equal(1, exit);
        Assert.Equal("", stderr);
        Repo.AssertGolden(golden, stdout);
    }

    [Fact]
    public void Readme_EnvDiffCommand_IsTheOneTheGoldenFilesRun()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));

        Assert.Contains($"dotnet run --project src/Faultline.Cli -- env diff {Staging} {Production}\n", readme);
        Assert.Contains(File.ReadAllLines(Path.Combine(Repo.TestDir, "Golden", "shop-envs.txt"))[^1], readme);
    }

    [Fact]
    public void EnvDiff_ShopEnvs_JsonCountsAndFields()
    {
        var (_, stdout, _) = Repo.Run(["env", "diff", Staging, Production, "--format", "json"]);
        var doc = JsonNode.Parse(stdout)!;

        Assert.Equal(1, doc["schemaVersion"]!.GetValue<int>());
        var differences = doc["differences"]!.AsArray();
        Assert.Equal(differences.Count, doc["summary"]!["differences"]!.GetValue<int>());
        Assert.Equal(4, doc["summary"]!["expected"]!.GetValue<int>());
        Assert.Equal("examples/shop-envs/.faultline/env.yaml", doc["summary"]!["expectedFile"]!.GetValue<string>());
        var classes = differences.Select(d => d!["class"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "resources", "replicas", "probes", "image", "config", "mesh", "pdb", "scheduling", "presence" }, classes);
        Assert.All(differences, d =>
        {
            foreach (var key in new[] { "id", "class", "severity", "object", "field", "a", "b", "summary", "risk" })
            {
                Assert.NotNull(d![key]);
            }
        });
        var memory = differences.Single(d => d!["field"]!.GetValue<string>() == "limits.memory")!;
        Assert.Equal("high", memory["severity"]!.GetValue<string>());
        Assert.Null(memory["a"]!["value"]);
        Assert.Equal("examples/shop-envs/overlays/production/orders.yaml", memory["b"]!["file"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void EnvDiff_SecretInTheExample_IsMaskedInEveryFormat(string format)
    {
        var (_, stdout, _) = Repo.Run(["env", "diff", Staging, Production, "--format", format]);

        Assert.Contains("postgres://orders:***@orders-db", stdout);
        Assert.DoesNotContain("st4ging-Pa55", stdout);
    }

    [Fact]
    public void EnvDiff_FailOn_DecidesTheExitCode()
    {
        Assert.Equal(0, Repo.Run(["env", "diff", Staging, Production, "--fail-on", "critical"]).Exit);
        Assert.Equal(0, Repo.Run(["env", "diff", Staging, Production, "--fail-on", "none"]).Exit);
        Assert.Equal(1, Repo.Run(["env", "diff", Staging, Production, "--fail-on", "low"]).Exit);
        Assert.Equal(2, Repo.Run(["env", "diff", Staging, Production, "--fail-on", "severe"]).Exit);
    }

    [Fact]
    public void EnvDiff_ReversedOrder_UsesTheSameEnvFile()
    {
        var (_, stdout, stderr) = Repo.Run(["env", "diff", Production, Staging, "--format", "json"]);
        var summary = JsonNode.Parse(stdout)!["summary"]!;

        Assert.Equal("", stderr);
        Assert.Equal(11, summary["matched"]!.GetValue<int>());
        Assert.Equal(4, summary["expected"]!.GetValue<int>());
    }

    [Fact]
    public void EnvDiff_MissingFolder_ExitsTwoNamingIt()
    {
        var (exit, stdout, stderr) = Repo.Run(["env", "diff", "examples/shop-envs/overlays/qa", Production]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("examples/shop-envs/overlays/qa: error: no such folder, file or git ref", stderr);
    }

    [Fact]
    public void EnvDiff_BadMapNamespace_ExitsTwo()
    {
        var (exit, _, stderr) = Repo.Run(["env", "diff", Staging, Production, "--map-namespace", "shop-staging"]);

        Assert.Equal(2, exit);
        Assert.Contains("--map-namespace takes FROM=TO", stderr);
    }

    [Fact]
    public void EnvDiff_EnvFileUnknownKey_ExitsTwoWithASuggestion()
    {
        var dir = Environments("ignore:\n  hostname: true\n");

        var (exit, _, stderr) = Repo.Run(["env", "diff", Path.Combine(dir, "staging"), Path.Combine(dir, "prod")]);

        Assert.Equal(2, exit);
        Assert.Contains(".faultline/env.yaml:2: error: unknown key 'ignore.hostname'; did you mean 'hostnames'?", stderr);
    }

    [Fact]
    public void EnvDiff_EnvFileTypeError_NamesFileAndLine()
    {
        var dir = Environments("namespaces:\n  staging: prod\nignore:\n  replicaRatio: lots\n");

        var (exit, _, stderr) = Repo.Run(["env", "diff", Path.Combine(dir, "staging"), Path.Combine(dir, "prod")]);

        Assert.Equal(2, exit);
        Assert.Contains(".faultline/env.yaml:4: error: ignore.replicaRatio must be a number", stderr);
    }

    [Fact]
    public void EnvDiff_MapNamespaceOption_MatchesObjects()
    {
        var dir = Environments(null);

        var unmapped = Repo.Run(["env", "diff", Path.Combine(dir, "staging"), Path.Combine(dir, "prod"), "--format", "json"]);
        var mapped = Repo.Run(["env", "diff", Path.Combine(dir, "staging"), Path.Combine(dir, "prod"), "--format", "json", "--map-namespace", "staging=prod"]);

        Assert.Contains("--map-namespace staging=prod", unmapped.Stderr);
        Assert.Equal(0, JsonNode.Parse(unmapped.Stdout)!["summary"]!["matched"]!.GetValue<int>());
        Assert.Equal(1, JsonNode.Parse(mapped.Stdout)!["summary"]!["matched"]!.GetValue<int>());
        Assert.Equal("replicas", JsonNode.Parse(mapped.Stdout)!["differences"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(0, mapped.Exit);
    }

    [Fact]
    public void EnvDiff_Output_WritesTheFileOnly()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("faultline-env").FullName, "drift.json");

        var (exit, stdout, _) = Repo.Run(["env", "diff", Staging, Production, "--format", "json", "-o", file]);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(file))!["schemaVersion"]!.GetValue<int>());
    }

    [Fact]
    public void EnvDiff_GitRefs_ReadAFolderAtARefAndAWholeBranch()
    {
        var repo = Directory.CreateTempSubdirectory("faultline-env-git").FullName;
        void Git(params string[] args)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["-c", "user.email=ci@example.com", "-c", "user.name=ci", .. args])
            {
                start.ArgumentList.Add(a);
            }
            using var p = System.Diagnostics.Process.Start(start)!;
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
        }
        CopyFolder(Path.Combine(Repo.Root, "examples", "shop-envs"), Path.Combine(repo, "envs"));
        Git("init", "-q", "-b", "main");
        Git("add", ".");
        Git("commit", "-qm", "envs");
        File.WriteAllText(Path.Combine(repo, "api.yaml"), Api.Replace("NS", "shop").Replace("N", "1"));
        Git("add", "api.yaml");
        Git("commit", "-qm", "one replica");
        Git("checkout", "-q", "-b", "production");
        File.WriteAllText(Path.Combine(repo, "api.yaml"), Api.Replace("NS", "shop").Replace("N", "3"));
        Git("commit", "-qam", "three replicas");

        var folders = Repo.Process(["env", "diff", "main:envs/overlays/staging", "envs/overlays/production", "--format", "json"], cwd: repo);
        var branches = Repo.Process(["env", "diff", "main", "production", "--format", "json", "--fail-on", "none"], cwd: repo);

        Assert.Equal(1, folders.Exit);
        Assert.Equal("", folders.Stderr);
        var doc = JsonNode.Parse(folders.Stdout)!;
        Assert.Equal(17, doc["summary"]!["differences"]!.GetValue<int>());
        Assert.Equal("envs/.faultline/env.yaml", doc["summary"]!["expectedFile"]!.GetValue<string>()[^"envs/.faultline/env.yaml".Length..]);
        Assert.Contains("\"file\": \"main:envs/overlays/staging/", folders.Stdout);
        Assert.DoesNotContain("faultline-base-", folders.Stdout);
        Assert.Equal(0, branches.Exit);
        var replicas = JsonNode.Parse(branches.Stdout)!["differences"]!.AsArray().Single(d => d!["object"]!["name"]!.GetValue<string>() == "api")!;
        Assert.Equal(("1", "3"), (replicas["a"]!["value"]!.GetValue<string>(), replicas["b"]!["value"]!.GetValue<string>()));
        Assert.Equal("main:api.yaml", replicas["a"]!["file"]!.GetValue<string>());
    }

    /// <summary>Two plain folders, staging/ and prod/, each with Deployment api in its own namespace, and an env.yaml.</summary>
    private static string Environments(string? envYaml)
    {
        var dir = Directory.CreateTempSubdirectory("faultline-env").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "staging"));
        Directory.CreateDirectory(Path.Combine(dir, "prod"));
        File.WriteAllText(Path.Combine(dir, "staging", "api.yaml"), Api.Replace("NS", "staging").Replace("N", "1"));
        File.WriteAllText(Path.Combine(dir, "prod", "api.yaml"), Api.Replace("NS", "prod").Replace("N", "2"));
        if (envYaml is not null)
        {
            Directory.CreateDirectory(Path.Combine(dir, ".faultline"));
            File.WriteAllText(Path.Combine(dir, ".faultline", "env.yaml"), envYaml);
        }
        return dir;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
