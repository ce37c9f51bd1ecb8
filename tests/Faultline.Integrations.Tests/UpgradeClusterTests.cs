using System.Diagnostics;

namespace Faultline.Integrations.Tests;

/// <summary>`faultline upgrade plan --cluster` as a process against the recorded API server.</summary>
public sealed class UpgradeClusterTests
{
    private static (int Exit, string Stdout, string Stderr) Faultline(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faultline.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "faultline did not finish");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Plan_Cluster_UsesAppliedVersionsAndNodeKubelets()
    {
        using var server = new RecordedApiServer();

        var (exit, stdout, stderr) = Faultline("upgrade", "plan", "--from", "1.21", "--to", "1.23", "--cluster", "--kubeconfig", server.WriteKubeconfig(), "--format", "json");

        Assert.Equal(1, exit);
        Assert.Contains("read 5 objects from the cluster (v1.21.14", stderr);
        Assert.Contains("\"file\": \"cluster:shop/ingresses/web\"", stdout);
        Assert.Contains("networking.k8s.io/v1beta1", stdout);
        Assert.Contains("node-b", stdout);
    }

    [Fact]
    public void Plan_ClusterUnreachable_ExitsThreeWithTheReason()
    {
        string kubeconfig;
        using (var server = new RecordedApiServer())
        {
            kubeconfig = server.WriteKubeconfig();
        }

        var (exit, _, stderr) = Faultline("upgrade", "plan", "--from", "1.21", "--to", "1.22", "--cluster", "--kubeconfig", kubeconfig);

        Assert.Equal(3, exit);
        Assert.Contains("cannot read the cluster", stderr);
    }
}
