using System.Diagnostics;
using System.Text.Json;
using Faultline.Cli.Canary;
using Faultline.Core.Documents;
using Faultline.Sources.Canary;
using Faultline.Testing;

namespace Faultline.Cli.Tests.Canary;

public sealed class CanaryCommandTests
{
    [Fact]
    public void Demo_Regressed_RollsBackWithExitOne()
    {
        var (exit, stdout, _) = Repo.Process(["canary", "demo"]);
        Assert.Equal(1, exit);
        Assert.Contains("rolled back: 0% of traffic on the canary", stdout);
        Assert.Contains("30% slower than stable", stdout);
    }

    [Fact]
    public void Demo_Healthy_CompletesWithExitZero_JsonEventsOnly()
    {
        var (exit, stdout, _) = Repo.Process(["canary", "demo", "--healthy", "--format", "json"]);
        Assert.Equal(0, exit);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.Equal(1, e.GetProperty("schemaVersion").GetInt32()));
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "look");
        Assert.Equal("completed", events.Last(e => e.GetProperty("event").GetString() == "finished").GetProperty("outcome").GetString());
    }

    [Fact]
    public void Run_BadRolloutFile_ExitsTwoWithFileAndLine()
    {
        var folder = Directory.CreateTempSubdirectory("faultline-canary-").FullName;
        var file = Path.Combine(folder, "rollout.yaml");
        File.WriteAllText(file, "kind: Rollout\nname: x\nrouter: { listen: 127.0.0.1:8080, stable: [http://127.0.0.1:9001], canary: [http://127.0.0.1:9002] }\nsteps:\n  - { weight: 150 }\n");
        var (exit, _, stderr) = Repo.Run(["canary", "run", file, "--store", Path.Combine(folder, "state.db")]);
        Assert.Equal(2, exit);
        Assert.Contains($"{file}:5:", stderr);
        Assert.Contains("weight must be a whole percentage from 1 to 100", stderr);
        Assert.False(File.Exists(Path.Combine(folder, "state.db")));
    }

    [Fact]
    public void Status_NoStore_ExitsTwo()
    {
        var (exit, _, stderr) = Repo.Run(["canary", "status", "--store", "/nonexistent/state.db"]);
        Assert.Equal(2, exit);
        Assert.Contains("no store at /nonexistent/state.db", stderr);
    }

    [Fact]
    public void ExamplesAndReadme_RolloutFilesAreValid()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "examples", "rollouts"), "*.yaml"))
        {
            var diagnostics = new List<InputDiagnostic>();
            Assert.NotNull(CanarySpecReader.ReadRollout(file, diagnostics));
            Assert.Empty(diagnostics);
        }
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var section = readme[readme.IndexOf("### `faultline canary run", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + 8;
        var yaml = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var readmeDiagnostics = new List<InputDiagnostic>();
        Assert.NotNull(CanarySpecReader.ParseRollout(yaml, "README.md", readmeDiagnostics));
        Assert.Empty(readmeDiagnostics);
    }

    /// <summary>
    /// The whole thing as a user runs it: `faultline canary run` as a process, killed with SIGKILL in the
    /// middle of a step, then started again: it resumes the step with the looks it had stored, the canary
    /// (now failing) is rolled back, and `canary status` shows it.
    /// </summary>
    [Fact]
    public async Task Run_KilledAndStartedAgain_ResumesFromTheStore()
    {
        await using var stable = await DemoService.StartAsync("stable");
        await using var canary = await DemoService.StartAsync("canary");
        stable.MedianMs = canary.MedianMs = 5;
        var folder = Directory.CreateTempSubdirectory("faultline-resume-").FullName;
        var store = Path.Combine(folder, "state.db");
        var port = LocalService.FreePort();
        var file = Path.Combine(folder, "rollout.yaml");
        File.WriteAllText(file, $$"""
            apiVersion: faultline.dev/v1alpha1
            kind: Rollout
            name: resume
            router: { listen: 127.0.0.1:{{port}}, stable: [{{stable.Url}}], canary: [{{canary.Url}}] }
            steps:
              - { weight: 30, minSamples: 1000000, maxDuration: 5m }
              - { weight: 60, minSamples: 1000000, maxDuration: 5m }
            interval: 300ms
            """);
        await using var load = new LoadGenerator(new Uri($"http://127.0.0.1:{port}/"), concurrency: 4);

        var first = Start(["canary", "run", file, "--store", store, "--format", "json"]);
        var looks = 0;
        while (await first.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("\"event\":\"look\"", StringComparison.Ordinal) && ++looks == 3)
            {
                break;
            }
        }
        Assert.Equal(3, looks);
        first.Kill();
        await first.WaitForExitAsync();

        canary.ErrorShare = 0.2;
        var second = Start(["canary", "run", file, "--store", store, "--format", "json"]);
        var output = await second.StandardOutput.ReadToEndAsync();
        await second.WaitForExitAsync();
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("resumed at step 1/2 (30% canary) with ", output);
        var resumedLooks = int.Parse(output.Split("resumed at step 1/2 (30% canary) with ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(resumedLooks >= 3, $"resumed with {resumedLooks} looks");
        Assert.Contains("\"outcome\":\"rolled-back\"", output);

        var (exit, status, _) = Repo.Run(["canary", "status", "resume", "--store", store]);
        Assert.Equal(0, exit);
        Assert.Contains("resume   rolled-back", status);
        Directory.Delete(folder, recursive: true);
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faultline.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }
}
