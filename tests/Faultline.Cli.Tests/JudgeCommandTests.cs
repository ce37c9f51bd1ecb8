using System.Text.Json;
using Faultline.Core.Documents;
using Faultline.Sources.Judge;

namespace Faultline.Cli.Tests;

/// <summary>`faultline canary judge` on the CSV fixtures in Judge/: one per verdict, and bad input.</summary>
public sealed class JudgeCommandTests
{
    private const string Dir = "tests/Faultline.Cli.Tests/Judge";

    private static (int Exit, string Stdout, string Stderr) Judge(string folder, params string[] extra)
    {
        var args = new List<string> { "canary", "judge", "--baseline", $"{Dir}/{folder}/baseline.csv", "--canary", $"{Dir}/{folder}/canary.csv" };
        if (File.Exists(Path.Combine(Repo.Root, Dir, folder, "judge.yaml")))
        {
            args.AddRange(["--config", $"{Dir}/{folder}/judge.yaml"]);
        }
        args.AddRange(extra);
        return Repo.Run([.. args]);
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    [Theory]
    [InlineData("promote", 0, "promote", null)]
    [InlineData("rollback-latency", 1, "rollback", "infrastructure")]
    [InlineData("rollback-quality", 1, "rollback", "quality")]
    [InlineData("continue", 3, "continue", null)]
    [InlineData("hold-empty", 3, "hold", null)]
    [InlineData("hold-missing-metric", 3, "hold", null)]
    public void Judge_Fixture_GivesItsVerdictAndExitCode(string folder, int exit, string verdict, string? regression)
    {
        var (code, stdout, stderr) = Judge(folder, "--format", "json");

        Assert.Equal("", stderr);
        Assert.Equal(exit, code);
        var json = Json(stdout);
        Assert.Equal(1, json.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(verdict, json.GetProperty("verdict").GetString());
        Assert.Equal(regression, json.GetProperty("regression").GetString());
    }

    [Fact]
    public void Judge_Json_HasTheDocumentedFields()
    {
        var json = Json(Judge("rollback-quality", "--format", "json").Stdout);

        Assert.True(json.GetProperty("decidedAfter").GetProperty("canary").GetInt64() > 0);
        Assert.True(json.GetProperty("looks").GetInt32() > 0);
        Assert.Equal("rollback", json.GetProperty("scoreboards").GetProperty("quality").GetProperty("verdict").GetString());
        Assert.NotEqual("rollback", json.GetProperty("scoreboards").GetProperty("infrastructure").GetProperty("verdict").GetString());
        var accuracy = json.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "accuracy");
        foreach (var field in new[] { "name", "scoreboard", "verdict", "effect", "interval", "evidence", "samples", "reason", "measure", "limit" })
        {
            Assert.True(accuracy.TryGetProperty(field, out _), $"metrics[].{field} is missing");
        }
        Assert.Equal("quality", accuracy.GetProperty("scoreboard").GetString());
        Assert.True(accuracy.GetProperty("interval").GetProperty("lower").GetDouble() > accuracy.GetProperty("limit").GetDouble());
        Assert.True(accuracy.GetProperty("evidence").GetProperty("rollback").GetDouble() >= accuracy.GetProperty("evidence").GetProperty("rollbackThreshold").GetDouble());
    }

    [Fact]
    public void Judge_RollbackText_MatchesGolden()
    {
        var (exit, stdout, _) = Judge("rollback-latency");

        Assert.Equal(1, exit);
        Repo.AssertGolden("judge-rollback-latency.txt", stdout);
    }

    [Fact]
    public void Judge_HoldJson_MatchesGolden()
    {
        var (exit, stdout, _) = Judge("hold-missing-metric", "--format", "json");

        Assert.Equal(3, exit);
        Repo.AssertGolden("judge-hold-missing-metric.json", stdout);
    }

    [Fact]
    public void Judge_PromoteText_MatchesGolden()
    {
        Repo.AssertGolden("judge-promote.txt", Judge("promote").Stdout);
    }

    [Fact]
    public void Judge_Interval_LooksByTimestampWindows()
    {
        var (exit, stdout, _) = Judge("interval", "--interval", "20", "--format", "json");

        Assert.Equal(1, exit);
        var json = Json(stdout);
        // 10 requests per second per side: every 20-second look adds 200 requests per side.
        Assert.Equal(json.GetProperty("looks").GetInt32() * 200, json.GetProperty("decidedAfter").GetProperty("canary").GetInt64());
    }

    [Fact]
    public void Judge_Batch_SetsTheLookSize()
    {
        var json = Json(Judge("continue", "--batch", "50", "--format", "json").Stdout);

        Assert.Equal(6, json.GetProperty("looks").GetInt32());
    }

    [Fact]
    public void Judge_MissingCanaryFile_HoldsInsteadOfFailing()
    {
        var (exit, stdout, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/continue/baseline.csv", "--canary", $"{Dir}/no-such.csv"]);

        Assert.Equal(3, exit);
        Assert.StartsWith("hold: the canary has no requests", stdout);
        Assert.Contains("no-such.csv does not exist", stderr);
    }

    [Fact]
    public void Judge_MissingColumn_ExitsTwoNamingFileAndLine()
    {
        var (exit, stdout, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/bad/missing-column.csv", "--canary", $"{Dir}/continue/canary.csv"]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains($"{Dir}/bad/missing-column.csv:1: error: missing column 'status' (the header has: latency_ms, accuracy)", stderr);
    }

    [Fact]
    public void Judge_NonNumericLatency_ExitsTwoWithItsLineNumber()
    {
        var (exit, _, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/continue/baseline.csv", "--canary", $"{Dir}/bad/non-numeric.csv"]);

        Assert.Equal(2, exit);
        Assert.Contains($"{Dir}/bad/non-numeric.csv:5: error: latency_ms 'fast' is not a non-negative number", stderr);
    }

    [Fact]
    public void Judge_EmptyFile_ExitsTwo()
    {
        var (exit, _, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/continue/baseline.csv", "--canary", $"{Dir}/bad/empty.csv"]);

        Assert.Equal(2, exit);
        Assert.Contains($"{Dir}/bad/empty.csv:1: error: the file is empty; expected a header line naming at least latency_ms and status", stderr);
    }

    [Fact]
    public void Judge_ScoreOutsideItsRange_ExitsTwoWithItsLine()
    {
        var (exit, _, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/continue/baseline.csv", "--canary", $"{Dir}/bad/score-out-of-range.csv"]);

        Assert.Equal(2, exit);
        Assert.Contains($"{Dir}/bad/score-out-of-range.csv:3: error: accuracy 1.7 is outside [0, 1]", stderr);
    }

    [Fact]
    public void Judge_BadConfig_ExitsTwoWithLines()
    {
        var (exit, _, stderr) = Judge("continue", "--config", $"{Dir}/bad/judge.yaml");

        Assert.Equal(2, exit);
        Assert.Contains($"{Dir}/bad/judge.yaml:3: error: metrics.latency.p99.tolerance must be a number", stderr);
        Assert.Contains($"{Dir}/bad/judge.yaml:4: error: metrics.accuracy.direction must be higher or lower", stderr);
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--interval", "-5")]
    [InlineData("--format", "xml")]
    public void Judge_BadOption_ExitsTwo(string option, string value)
    {
        Assert.Equal(2, Judge("continue", option, value).Exit);
    }

    [Fact]
    public void Judge_BatchAndInterval_OrIntervalWithoutTimestamps_ExitTwo()
    {
        Assert.Contains("either --batch or --interval", Judge("interval", "--batch", "10", "--interval", "5").Stderr);
        Assert.Contains("--interval needs a 'timestamp' column", Judge("continue", "--interval", "5").Stderr);
    }

    [Fact]
    public void Judge_RequiredOptionMissing_ExitsTwo()
    {
        var (exit, _, stderr) = Repo.Run(["canary", "judge", "--baseline", $"{Dir}/continue/baseline.csv"]);

        Assert.Equal(2, exit);
        Assert.Contains("--canary", stderr);
    }

    [Fact]
    public void Judge_AsAProcess_UsesTheDocumentedExitCode()
    {
        Assert.Equal(1, Repo.Process(["canary", "judge", "--baseline", $"{Dir}/rollback-latency/baseline.csv", "--canary", $"{Dir}/rollback-latency/canary.csv"]).Exit);
    }

    private static string ReadmeSection()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var start = readme.IndexOf("### `faultline canary judge", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static string Block(string section, string language)
    {
        var start = section.IndexOf($"```{language}\n", StringComparison.Ordinal) + language.Length + 4;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void Readme_JudgeYaml_IsAValidConfig()
    {
        var diagnostics = new List<InputDiagnostic>();
        var config = JudgeConfigFile.Parse(Block(ReadmeSection(), "yaml"), "README.md", diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(7, config.Metrics.Count);
        Assert.Empty(JudgeSetup.Build(config, ["accuracy", "request_id"]).Settings.Validate());
    }

    [Fact]
    public void Readme_ExampleOutput_IsWhatTheCommandPrints()
    {
        var section = ReadmeSection();
        var command = Block(section, "sh").Replace("\\\n", " ", StringComparison.Ordinal).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var args = command.SkipWhile(a => a != "--").Skip(1).ToArray();
        var (exit, stdout, _) = Repo.Run(args);

        Assert.Equal(1, exit);
        foreach (var line in Block(section, "text").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != "..."))
        {
            Assert.Contains(line + "\n", stdout);
        }
    }
}
