using System.Diagnostics;

namespace Faultline.Cli.Tests;

/// <summary>
/// `faultline run` in a real cgroup: these need root (or a delegated cgroup) and python3, as CI has. The CLI runs
/// as its own process so that the command's output and exit code are the real ones.
/// </summary>
public sealed class RunCommandTests
{
    [Fact]
    public void Run_AllocatingPastTheLimit_IsOomKilledWith137()
    {
        Faultline.Testing.LocalService.Require("python3", "python3");
        var watch = Stopwatch.StartNew();
        var run = Repo.Process(["run", "--memory", "64Mi", "--", "python3", "-c", "b = bytearray(300 * 1024 * 1024); print('allocated')"]);

        Assert.True(run.Exit == 137, $"exit {run.Exit}: {run.Stderr}");
        Assert.Contains("faultline run: OOM killed: the command used more than its memory limit of 64Mi", run.Stderr);
        Assert.DoesNotContain("allocated", run.Stdout);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
        AssertNoCgroupLeft();
    }

    [Fact]
    public void Run_WithinLimits_ForwardsTheExitCodeAndOutput()
    {
        Faultline.Testing.LocalService.Require("python3", "python3");
        var run = Repo.Process(["run", "--memory", "256Mi", "--cpus", "1", "--", "python3", "-c", "import sys; b = bytearray(16 * 1024 * 1024); print('fine'); sys.exit(7)"]);

        Assert.Equal(7, run.Exit);
        Assert.Equal("fine\n", run.Stdout);
        Assert.DoesNotContain("OOM", run.Stderr);
        AssertNoCgroupLeft();
    }

    [Fact]
    public void Run_BusyPastTheCpuLimit_ReportsThrottling()
    {
        // A shell loop: starts in no time, then burns CPU for a few hundred milliseconds at the limit.
        var run = Repo.Process(["run", "--cpus", "0.2", "--", "sh", "-c", "i=0; while [ $i -lt 40000 ]; do i=$((i+1)); done"]);

        Assert.Equal(0, run.Exit);
        Assert.Matches(@"faultline run: CPU throttled in \d+ of \d+ periods \([0-9.]+ s throttled in all\) at its limit of 0.2 CPUs", run.Stderr);
    }

    [Fact]
    public void Run_WithoutLimits_IsAUsageError()
    {
        var run = Repo.Run(["run", "--", "true"]);
        var bad = Repo.Run(["run", "--memory", "lots", "--", "true"]);

        Assert.Equal(2, run.Exit);
        Assert.Contains("needs a limit", run.Stderr);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("--memory 'lots' is not a memory size", bad.Stderr);
    }

    private static void AssertNoCgroupLeft()
    {
        var layout = Faultline.Integrations.Cgroups.CgroupLayout.Detect();
        foreach (var folder in new[] { layout.MemoryFolder, layout.CpuFolder }.OfType<string>())
        {
            Assert.DoesNotContain(Directory.GetDirectories(folder), d => Path.GetFileName(d).StartsWith($"faultline-run-", StringComparison.Ordinal) && !IsAlive(d));
        }
    }

    /// <summary>Another test's run may be going on at the same time; its cgroup is named after its live faultline process.</summary>
    private static bool IsAlive(string folder)
    {
        var parts = Path.GetFileName(folder).Split('-');
        return parts.Length > 2 && int.TryParse(parts[2], out var pid) && Directory.Exists($"/proc/{pid}");
    }
}
