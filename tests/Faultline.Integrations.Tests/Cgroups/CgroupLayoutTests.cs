using Faultline.Integrations.Cgroups;

namespace Faultline.Integrations.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    private const string HybridMountinfo = """
        30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private const string HybridCgroup = """
        4:memory:/process_api/4303fbe069b87917eb5e4c2c7b655e1d
        2:cpuacct:/
        1:cpu:/
        0::/
        """;

    [Fact]
    public void Parse_V1WithAV2MountWithoutMemory_UsesV1UnderTheOwnCgroup()
    {
        var layout = CgroupLayout.Parse(HybridMountinfo, HybridCgroup, _ => "hugetlb");

        Assert.Equal(1, layout.Version);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/4303fbe069b87917eb5e4c2c7b655e1d", layout.MemoryFolder);
        Assert.Equal("/sys/fs/cgroup/cpu", layout.CpuFolder);
    }

    [Fact]
    public void Parse_UnifiedWithMemory_UsesV2()
    {
        const string mountinfo = "25 20 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
        const string cgroup = "0::/user.slice/user-1000.slice/session-3.scope\n";

        var layout = CgroupLayout.Parse(mountinfo, cgroup, dir => dir == "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope" ? "cpuset cpu io memory pids" : null);

        Assert.Equal(2, layout.Version);
        Assert.Equal("/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope", layout.MemoryFolder);
        Assert.Equal(layout.MemoryFolder, layout.CpuFolder);
    }

    [Fact]
    public void Parse_CgroupNamespaceMountRoot_IsNotRepeated()
    {
        const string mountinfo = "40 30 0:31 /kubepods/pod1 /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n41 30 0:32 /kubepods/pod1 /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
        const string cgroup = "4:memory:/kubepods/pod1/ctr\n3:cpu,cpuacct:/kubepods/pod1/ctr\n";

        var layout = CgroupLayout.Parse(mountinfo, cgroup, _ => null);

        Assert.Equal("/sys/fs/cgroup/memory/ctr", layout.MemoryFolder);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/ctr", layout.CpuFolder);
    }

    [Fact]
    public void DockerArguments_CarryTheLimitsWithoutSwap()
    {
        var args = DockerRun.Arguments("python:3.12-slim", new RunLimits(512L * 1024 * 1024, 0.5), ["python3", "-c", "print(1)"], interactive: true, tty: false);

        Assert.Equal(["run", "--rm", "-i", "--memory", "536870912b", "--memory-swap", "536870912b", "--cpus", "0.5", "python:3.12-slim", "python3", "-c", "print(1)"], args);
    }

    [Fact]
    public void WrapperArguments_EnterEveryCgroupThenTheCommand()
    {
        var args = LimitedRun.WrapperArguments(["/m/cgroup.procs", "/c/cgroup.procs"], ["sleep", "1"]);

        Assert.Equal(["faultline-run", "/m/cgroup.procs", "/c/cgroup.procs", "--", "sleep", "1"], args.Skip(2));
        Assert.Contains("exec \"$@\"", args[1]);
    }
}

public sealed class LimitedRunTests
{
    [Fact]
    public void Run_WhereNoCgroupCanBeMade_SaysSoBeforeRunningAnything()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"faultline-ran-{Environment.ProcessId}");
        var run = new LimitedRun(new CgroupLayout(1, "/proc/self", null));

        var e = Assert.Throws<CgroupUnavailableException>(() => run.Run(["touch", marker], new RunLimits(64L * 1024 * 1024, null)));

        Assert.StartsWith("cannot create a cgroup in /proc/self", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Run_CpusWithoutACpuController_IsRefused()
    {
        var run = new LimitedRun(new CgroupLayout(1, null, null));

        var e = Assert.Throws<CgroupUnavailableException>(() => run.Run(["true"], new RunLimits(null, 0.5)));

        Assert.Contains("--cpus cannot be enforced", e.Message);
    }
}
