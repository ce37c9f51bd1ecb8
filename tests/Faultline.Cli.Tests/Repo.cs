using System.Diagnostics;

namespace Faultline.Cli.Tests;

/// <summary>The repository root, the in-process CLI, and the built faultline.dll for process-level tests.</summary>
internal static class Repo
{
    private static readonly object Gate = new();

    public static string Root { get; } = FindRoot();

    public static string TestDir => Path.Combine(Root, "tests", "Faultline.Cli.Tests");

    /// <summary>Set FAULTLINE_UPDATE_GOLDEN=1 to rewrite golden files from the current output, on purpose.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("FAULTLINE_UPDATE_GOLDEN") == "1";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Faultline.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Runs the CLI in process with the working directory at <paramref name="cwd"/> (default: repo root).</summary>
    public static (int Exit, string Stdout, string Stderr) Run(string[] args, string? stdin = null, string? cwd = null)
    {
        lock (Gate)
        {
            var previous = Environment.CurrentDirectory;
            Environment.CurrentDirectory = cwd ?? Root;
            try
            {
                var stdout = new StringWriter { NewLine = "\n" };
                var stderr = new StringWriter { NewLine = "\n" };
                var exit = Cli.Run(args, new StringReader(stdin ?? ""), stdout, stderr);
                return (exit, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Environment.CurrentDirectory = previous;
            }
        }
    }

    /// <summary>Runs faultline.dll as a separate process, as CI and users do.</summary>
    public static (int Exit, string Stdout, string Stderr) Process(string[] args, string? stdin = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "faultline.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd ?? Root,
        };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NO_COLOR"] = "1";
        // Settings of the machine running the tests must not leak into them.
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "faultline-tests-no-user-config");
        start.Environment["FAULTLINE_MANAGED_SETTINGS"] = Path.Combine(Path.GetTempPath(), "faultline-tests-no-managed.yaml");
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"faultline {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return (process.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    /// <summary>Compares text with a golden file, or rewrites it when FAULTLINE_UPDATE_GOLDEN=1.</summary>
    public static void AssertGolden(string relative, string actual)
    {
        var path = Path.Combine(TestDir, "Golden", relative);
        if (UpdateGolden)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with FAULTLINE_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            var i = 0;
            while (i < e.Length && i < a.Length && e[i] == a[i])
            {
                i++;
            }
            Assert.Fail($"{relative} differs at line {i + 1}:\n expected: {(i < e.Length ? e[i] : "<end>")}\n   actual: {(i < a.Length ? a[i] : "<end>")}\n(refresh on purpose with FAULTLINE_UPDATE_GOLDEN=1)");
        }
    }
}
