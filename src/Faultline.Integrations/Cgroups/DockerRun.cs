using System.Globalization;

namespace Faultline.Integrations.Cgroups;

/// <summary>The `docker run` that gives a command the same limits in a container (no swap: --memory-swap = --memory).</summary>
public static class DockerRun
{
    public static IReadOnlyList<string> Arguments(string image, RunLimits limits, IReadOnlyList<string> command, bool interactive, bool tty)
    {
        var args = new List<string> { "run", "--rm" };
        if (interactive)
        {
            args.Add("-i");
        }
        if (tty)
        {
            args.Add("-t");
        }
        if (limits.MemoryBytes is { } bytes)
        {
            var text = bytes.ToString(CultureInfo.InvariantCulture) + "b";
            args.AddRange(["--memory", text, "--memory-swap", text]);
        }
        if (limits.Cpus is { } cpus)
        {
            args.AddRange(["--cpus", cpus.ToString("0.###", CultureInfo.InvariantCulture)]);
        }
        args.Add(image);
        args.AddRange(command);
        return args;
    }
}
