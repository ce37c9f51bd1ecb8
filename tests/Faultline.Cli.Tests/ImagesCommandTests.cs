namespace Faultline.Cli.Tests;

/// <summary>`faultline images` input checks that come before any engine or registry is contacted.</summary>
public sealed class ImagesCommandTests
{
    private const string NoEngine = "unix:///nonexistent/faultline-test.sock";

    [Theory]
    [InlineData("--keep", "-1", "--keep must be 0 or more (got -1)")]
    [InlineData("--keep-within", "7days", "--keep-within must be an age such as 7d, 12h, 2w or 1d12h (got '7days')")]
    [InlineData("--policy", "/nonexistent/policy.yaml", "--policy: /nonexistent/policy.yaml does not exist")]
    public void Prune_BadOption_IsExitTwo(string option, string value, string message)
    {
        var (exit, _, stderr) = Repo.Run(["images", "prune", "--repo", "app", option, value, "--docker-host", NoEngine]);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_PolicyWithErrors_NamesFileAndLineAndIsExitTwo()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("faultline-images").FullName, "policy.yaml");
        File.WriteAllText(path, "rules:\n  - repositories: app\n    keep: many\n");
        var (exit, _, stderr) = Repo.Run(["images", "plan", "--policy", path, "--docker-host", NoEngine]);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:3: error: rules[0].keep must be a whole number of images, 0 or more (got 'many')", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WithoutPolicy_IsExitTwo()
    {
        var (exit, _, stderr) = Repo.Run(["images", "plan", "--repo", "app"]);
        Assert.Equal(2, exit);
        Assert.Contains("--policy", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Prune_UnsupportedDockerHost_IsExitTwo()
    {
        var (exit, _, stderr) = Repo.Run(["images", "prune", "--repo", "app", "--docker-host", "ssh://me@host"]);
        Assert.Equal(2, exit);
        Assert.Contains("docker host 'ssh://me@host' is not supported", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Prune_EngineMissing_IsExitThree()
    {
        var (exit, stdout, stderr) = Repo.Run(["images", "prune", "--repo", "app", "--docker-host", NoEngine, "--format", "json"]);
        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Contains("no socket at /nonexistent/faultline-test.sock", stderr, StringComparison.Ordinal);
    }
}
