using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Faultline.Core.Model;
using Faultline.Core.Resources;
using Faultline.Integrations.Cgroups;

namespace Faultline.Cli.Commands;

/// <summary>`faultline run`: a command under the memory and CPU limits a pod would get, with OOM kills and throttling named.</summary>
internal static class RunCommand
{
    /// <summary>What a shell gives for a process killed by SIGKILL, as the OOM killer does.</summary>
    public const int Killed = 137;

    public static Command Create(ConsoleIo io)
    {
        var memory = new Option<string?>("--memory", "-m") { Description = "Memory limit, as in a pod spec: 512Mi, 1Gi, 256M. The command is OOM-killed above it (no swap)." };
        var cpus = new Option<string?>("--cpus") { Description = "CPU limit in cores: 0.5, 2, 500m. The command is throttled above it." };
        var docker = new Option<string?>("--docker") { Description = "Run the command in a container of this image (docker run --rm --memory --cpus) instead of a cgroup made here." };
        var command = new Argument<string[]>("command") { Description = "The command and its arguments; put them after -- (faultline run --memory 512Mi -- ./server --port 8080).", Arity = ArgumentArity.OneOrMore };
        var run = new Command("run", "Run a command under the memory and CPU limits a pod would get (a cgroup made for it, v2 or v1; or a container with --docker), and report an OOM kill or CPU throttling clearly.")
        {
            memory, cpus, docker, command,
        };
        run.SetAction(parse =>
        {
            var limits = Limits(parse.GetValue(memory), parse.GetValue(cpus));
            var argv = parse.GetValue(command)!;
            var limitText = limits.MemoryBytes is { } b ? ResourceUnits.Format("memory", b) : null;
            if (parse.GetValue(docker) is { } image)
            {
                return Docker(io, image, limits, argv, limitText);
            }
            RunOutcome outcome;
            try
            {
                outcome = new LimitedRun(CgroupLayout.Detect()).Run(argv, limits);
            }
            catch (CgroupUnavailableException e)
            {
                io.Stderr.WriteLine($"faultline run: {e.Message}.");
                io.Stderr.WriteLine("faultline run: making a cgroup needs root (or a delegated cgroup); use --docker IMAGE to run the command in a container with the same limits.");
                return ExitCodes.Undecided;
            }
            Report(io, outcome, limits, limitText);
            return outcome.ExitCode;
        });
        return run;
    }

    public static RunLimits Limits(string? memory, string? cpus)
    {
        if (memory is null && cpus is null)
        {
            throw new UsageException("faultline run needs a limit: --memory (512Mi) and/or --cpus (0.5)");
        }
        long? bytes = null;
        if (memory is not null)
        {
            var v = Quantity.ParseValue(memory);
            if (v is null || v < 1024 * 1024)
            {
                throw new UsageException($"--memory '{memory}' is not a memory size of at least 1Mi (write 512Mi, 1Gi or 256M)");
            }
            bytes = (long)Math.Ceiling(v.Value);
        }
        double? cores = null;
        if (cpus is not null)
        {
            var v = Quantity.ParseValue(cpus);
            if (v is null || v < 0.01m)
            {
                throw new UsageException($"--cpus '{cpus}' is not a CPU amount of at least 10m (write 0.5, 2 or 500m)");
            }
            cores = (double)v.Value;
        }
        return new RunLimits(bytes, cores);
    }

    private static void Report(ConsoleIo io, RunOutcome outcome, RunLimits limits, string? limitText)
    {
        var peak = outcome.PeakMemoryBytes is { } p ? $" (peak {ResourceUnits.Describe("memory", p)})" : "";
        if (outcome.OomKilled)
        {
            io.Stderr.WriteLine($"faultline run: OOM killed: the command used more than its memory limit of {limitText}{peak}; a pod with this limit is killed the same way (exit code 137)");
        }
        else if (outcome.OomKills > 0)
        {
            io.Stderr.WriteLine($"faultline run: OOM killed: {outcome.OomKills} process(es) the command started used more than the memory limit of {limitText} and were killed; the command exited with {outcome.ExitCode}");
        }
        if (outcome.ThrottledPeriods > 0 && limits.Cpus is { } cpus)
        {
            io.Stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"faultline run: CPU throttled in {outcome.ThrottledPeriods} of {outcome.Periods} periods ({outcome.ThrottledTime.TotalSeconds:0.##} s throttled in all) at its limit of {cpus:0.###} CPUs; a pod with this limit is slowed the same way"));
        }
    }

    private static int Docker(ConsoleIo io, string image, RunLimits limits, string[] argv, string? limitText)
    {
        var args = DockerRun.Arguments(image, limits, argv, interactive: !Console.IsInputRedirected, tty: !Console.IsInputRedirected && !Console.IsOutputRedirected);
        var info = new ProcessStartInfo("docker") { UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            io.Stderr.WriteLine($"faultline run: cannot start docker ({e.Message}); install the Docker CLI or run without --docker.");
            return ExitCodes.Undecided;
        }
        using (process)
        {
            process!.WaitForExit();
            if (process.ExitCode == Killed && limitText is not null)
            {
                io.Stderr.WriteLine($"faultline run: killed (exit code 137) in the container: almost always OOM killed at its memory limit of {limitText} (docker run --rm removes the container, so Docker's OOMKilled flag cannot be read)");
            }
            return process.ExitCode;
        }
    }
}
