using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Faultline.Integrations.Cgroups;

/// <summary>The limits a pod would get: memory in bytes, CPU in cores.</summary>
public sealed record RunLimits(long? MemoryBytes, double? Cpus);

/// <summary>How a limited run ended: the exit code, OOM kills, and CPU throttling as the cgroup counted them.</summary>
public sealed record RunOutcome(int ExitCode, int OomKills, long? PeakMemoryBytes, long Periods, long ThrottledPeriods, TimeSpan ThrottledTime, int CgroupVersion)
{
    /// <summary>The command itself was killed (SIGKILL, 137) and the cgroup saw an OOM kill.</summary>
    public bool OomKilled => OomKills > 0 && ExitCode == 137;
}

/// <summary>Cgroups cannot be made here: not root, read-only, or no memory controller.</summary>
public sealed class CgroupUnavailableException(string message) : Exception(message);

/// <summary>
/// Runs a command in a cgroup made for it, under the cgroup this process is in. The command starts through a tiny
/// shell that writes its own PID into the new cgroup(s) and then execs the command, so the command is limited from
/// its first instruction. Afterwards the counters are read (OOM kills, peak memory, throttled periods) and the
/// cgroup is removed, killing anything the command left behind in it.
/// </summary>
public sealed class LimitedRun
{
    private const long CpuPeriodMicros = 100_000;
    private const string EnterAndExec = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";

    private readonly CgroupLayout _layout;

    public LimitedRun(CgroupLayout layout)
    {
        _layout = layout;
    }

    public RunOutcome Run(IReadOnlyList<string> command, RunLimits limits)
    {
        if (_layout.MemoryFolder is null && limits.MemoryBytes is not null)
        {
            throw new CgroupUnavailableException("no cgroup memory controller is mounted (neither cgroup v2 with memory nor cgroup v1 memory)");
        }
        var name = $"faultline-run-{Environment.ProcessId}-{Random.Shared.Next(100_000, 999_999)}";
        var created = new List<string>();
        try
        {
            string? memory = null;
            string? cpu = null;
            if (_layout.Version == 2)
            {
                memory = Create(_layout.MemoryFolder!, name, created, _layout.CpuFolder is null ? ["memory"] : ["memory", "cpu"]);
                cpu = _layout.CpuFolder is null ? null : memory;
                if (limits.MemoryBytes is { } bytes)
                {
                    Write(memory, "memory.max", bytes.ToString(CultureInfo.InvariantCulture));
                    // A pod has no swap: without this the command would page out instead of being killed.
                    WriteIfPresent(memory, "memory.swap.max", "0");
                }
                if (limits.Cpus is { } cores && cpu is not null)
                {
                    Write(cpu, "cpu.max", $"{Quota(cores)} {CpuPeriodMicros}");
                }
            }
            else
            {
                if (limits.MemoryBytes is { } bytes)
                {
                    memory = Create(_layout.MemoryFolder!, name, created, []);
                    var text = bytes.ToString(CultureInfo.InvariantCulture);
                    Write(memory, "memory.limit_in_bytes", text);
                    // memory+swap may only be set once the memory limit is; equal values mean no swap.
                    WriteIfPresent(memory, "memory.memsw.limit_in_bytes", text);
                }
                if (limits.Cpus is { } cores)
                {
                    if (_layout.CpuFolder is null)
                    {
                        throw new CgroupUnavailableException("no cgroup v1 cpu controller is mounted, so --cpus cannot be enforced");
                    }
                    cpu = Create(_layout.CpuFolder, name, created, []);
                    Write(cpu, "cpu.cfs_period_us", CpuPeriodMicros.ToString(CultureInfo.InvariantCulture));
                    Write(cpu, "cpu.cfs_quota_us", Quota(cores).ToString(CultureInfo.InvariantCulture));
                }
            }
            var procs = new[] { memory, cpu }.OfType<string>().Distinct().Select(f => Path.Combine(f, "cgroup.procs")).ToList();
            var exit = Execute(command, procs);
            return Outcome(exit, memory, cpu, _layout.Version);
        }
        finally
        {
            foreach (var folder in Enumerable.Reverse(created))
            {
                Remove(folder);
            }
        }
    }

    /// <summary>The shell's arguments: the cgroup.procs files to enter, "--", then the command.</summary>
    public static IReadOnlyList<string> WrapperArguments(IReadOnlyList<string> procsFiles, IReadOnlyList<string> command) =>
        ["-c", EnterAndExec, "faultline-run", .. procsFiles, "--", .. command];

    private static long Quota(double cores) => Math.Max(1000, (long)Math.Round(cores * CpuPeriodMicros));

    private static int Execute(IReadOnlyList<string> command, IReadOnlyList<string> procs)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in WrapperArguments(procs, command))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start /bin/sh");
        // Ctrl-C reaches the whole process group: let the command handle it and wait for it, so the cgroup is
        // still removed. A SIGTERM sent to faultline alone is passed on.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Signal(process.Id, "TERM");
        });
        process.WaitForExit();
        return process.ExitCode;
    }

    private static RunOutcome Outcome(int exit, string? memory, string? cpu, int version)
    {
        var ooms = 0;
        long? peak = null;
        if (memory is not null)
        {
            var events = Read(memory, "memory.events") ?? Read(memory, "memory.oom_control") ?? "";
            ooms = (int)(Field(events, "oom_kill") ?? 0);
            if (Field(events, "oom_kill") is null && exit == 137 && long.TryParse(Read(memory, "memory.failcnt"), out var failures) && failures > 0)
            {
                // Kernels before 4.13 do not count OOM kills in v1; a SIGKILL after hitting the limit is one.
                ooms = 1;
            }
            peak = long.TryParse(Read(memory, "memory.peak") ?? Read(memory, "memory.max_usage_in_bytes"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null;
        }
        long periods = 0, throttled = 0;
        var throttledTime = TimeSpan.Zero;
        if (cpu is not null && Read(cpu, "cpu.stat") is { } stat)
        {
            periods = Field(stat, "nr_periods") ?? 0;
            throttled = Field(stat, "nr_throttled") ?? 0;
            throttledTime = Field(stat, "throttled_usec") is { } usec
                ? TimeSpan.FromMicroseconds(usec)
                : TimeSpan.FromTicks((Field(stat, "throttled_time") ?? 0) / 100);
        }
        return new RunOutcome(exit, ooms, peak, periods, throttled, throttledTime, version);
    }

    private static string Create(string parent, string name, List<string> created, string[] v2Controllers)
    {
        var folder = Path.Combine(parent, name);
        try
        {
            if (v2Controllers.Length > 0)
            {
                // cgroup v2 hands controllers to children only through the parent's subtree_control.
                var subtree = Read(parent, "cgroup.subtree_control") ?? "";
                var missing = v2Controllers.Where(c => !subtree.Split(' ').Contains(c)).ToList();
                if (missing.Count > 0)
                {
                    Write(parent, "cgroup.subtree_control", string.Join(' ', missing.Select(c => "+" + c)));
                }
            }
            Directory.CreateDirectory(folder);
            created.Add(folder);
            return folder;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CgroupUnavailableException($"cannot create a cgroup in {parent} ({e.Message.TrimEnd('.')})");
        }
    }

    private static void Write(string folder, string file, string value)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, file), value);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CgroupUnavailableException($"cannot write {value} to {Path.Combine(folder, file)} ({e.Message.TrimEnd('.')})");
        }
    }

    private static void WriteIfPresent(string folder, string file, string value)
    {
        if (File.Exists(Path.Combine(folder, file)))
        {
            Write(folder, file, value);
        }
    }

    private static string? Read(string folder, string file)
    {
        try
        {
            var path = Path.Combine(folder, file);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A "key value" line of a cgroup stat file.</summary>
    private static long? Field(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }
        return null;
    }

    /// <summary>Removes a cgroup: kills what the command left in it, then retries while the kernel still counts exiting tasks.</summary>
    private static void Remove(string folder)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                foreach (var pid in (Read(folder, "cgroup.procs") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    Signal(int.Parse(pid, CultureInfo.InvariantCulture), "KILL");
                }
                Directory.Delete(folder);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private static void Signal(int pid, string signal)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no kill binary: nothing more to do
        }
    }
}
