using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Sources.Judge;

namespace Faultline.Cli.Commands;

/// <summary>`faultline canary judge`: replays recorded requests of a baseline and a canary through the judge.</summary>
internal static class CanaryCommand
{
    public const int DefaultBatch = 100;

    public static Command Create(ConsoleIo io)
    {
        var canary = new Command("canary", "Judge canary rollouts and run them through the embedded router.") { Judge(io), CanaryRunCommand.Run(io), CanaryRunCommand.Status(io), CanaryDemoCommand.Create(io) };
        return canary;
    }

    private static Command Judge(ConsoleIo io)
    {
        var baseline = new Option<string>("--baseline") { Description = "CSV of the baseline's requests (columns latency_ms, status, optional timestamp and quality scores).", Required = true };
        var canary = new Option<string>("--canary") { Description = "CSV of the canary's requests, same columns.", Required = true };
        var config = new Option<string?>("--config") { Description = "judge.yaml: alpha, tolerances, directions, scoreboards, error statuses, minimum samples." };
        var batch = new Option<int?>("--batch") { Description = $"Requests per side between looks (default {DefaultBatch})." };
        var interval = new Option<double?>("--interval") { Description = "Look after every this many seconds of the timestamp column instead of every batch." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("judge", "Replay baseline and canary requests through the sequential judge; exit 0 promote, 1 rollback, 3 continue or hold, 2 bad input.")
        {
            baseline, canary, config, batch, interval, format,
        };
        command.SetAction(parse =>
        {
            var batching = Batching(parse.GetValue(batch), parse.GetValue(interval));
            var diagnostics = new List<InputDiagnostic>();
            var judgeConfig = JudgeConfig.Empty;
            if (parse.GetValue(config) is { } configPath)
            {
                if (!File.Exists(configPath))
                {
                    throw new UsageException($"--config: {configPath} does not exist");
                }
                judgeConfig = JudgeConfigFile.Load(configPath, diagnostics);
            }
            var baselineTable = ReadSide(io, parse.GetValue(baseline)!, "baseline", diagnostics);
            var canaryTable = ReadSide(io, parse.GetValue(canary)!, "canary", diagnostics);
            if (Fail(io, diagnostics))
            {
                return ExitCodes.UsageOrInput;
            }
            var numeric = baselineTable.NumericColumns().Concat(canaryTable.NumericColumns()).Distinct().ToList();
            var setup = JudgeSetup.Build(judgeConfig, numeric);
            foreach (var problem in setup.Settings.Validate())
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(parse.GetValue(config) ?? "judge settings", 0), problem));
            }
            var baselineSamples = Samples(baselineTable, setup, diagnostics);
            var canarySamples = Samples(canaryTable, setup, diagnostics);
            foreach (var table in new[] { baselineTable, canaryTable })
            {
                foreach (var (column, (line, value)) in table.NonNumeric.Where(c => !setup.QualityColumns.Contains(c.Key)))
                {
                    io.Stderr.WriteLine($"{table.File}:{line}: note: column '{column}' is not numeric ('{value}'), so it is not judged");
                }
            }
            if (batching is Batching.ByInterval && (baselineTable.Rows.Count > 0 && !baselineTable.HasTimestamp || canaryTable.Rows.Count > 0 && !canaryTable.HasTimestamp))
            {
                throw new UsageException($"--interval needs a '{RequestCsv.Timestamp}' column in both files");
            }
            if (Fail(io, diagnostics))
            {
                return ExitCodes.UsageOrInput;
            }
            var result = JudgeReplay.Run(baselineSamples, canarySamples, setup.Settings, batching);
            io.Stdout.Write(parse.GetValue(format) == "json" ? JudgeReport.Json(result, setup.Settings) : JudgeReport.Text(result, setup.Settings));
            return result.Verdict switch
            {
                Verdict.Promote => ExitCodes.Ok,
                Verdict.Rollback => ExitCodes.Findings,
                _ => ExitCodes.Undecided,
            };
        });
        return command;
    }

    private static Batching Batching(int? batch, double? interval)
    {
        if (batch is not null && interval is not null)
        {
            throw new UsageException("use either --batch or --interval, not both");
        }
        if (interval is { } seconds)
        {
            return seconds > 0 && double.IsFinite(seconds) ? new Batching.ByInterval(seconds) : throw new UsageException("--interval must be a positive number of seconds");
        }
        var size = batch ?? DefaultBatch;
        return size > 0 ? new Batching.ByCount(size) : throw new UsageException("--batch must be a positive number of requests");
    }

    /// <summary>A side's CSV; a file that does not exist is a side without data (the judge holds), not an error.</summary>
    private static RequestTable ReadSide(ConsoleIo io, string path, string side, List<InputDiagnostic> diagnostics)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"--{side}: {path} is a folder; give the CSV file");
        }
        if (!File.Exists(path))
        {
            io.Stderr.WriteLine($"faultline: --{side} {path} does not exist; judging the {side} as having no requests");
            return RequestTable.Empty(path);
        }
        return RequestCsv.Parse(File.ReadAllText(path), path, diagnostics);
    }

    /// <summary>Turns rows into samples with their quality scores in the judge's order; checks the scores' bounds.</summary>
    private static List<RequestSample> Samples(RequestTable table, JudgeSetup.Result setup, List<InputDiagnostic> diagnostics)
    {
        var metrics = setup.Settings.Metrics.OfType<QualityMetric>().OrderBy(q => q.ScoreIndex).ToList();
        var columns = metrics.Select(m => table.Columns.ToList().IndexOf(m.Name)).ToList();
        foreach (var (metric, column) in metrics.Zip(columns))
        {
            if (column >= 0 && table.NonNumeric.TryGetValue(metric.Name, out var bad))
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(table.File, bad.Line), $"{metric.Name} '{bad.Value}' is not a number"));
            }
        }
        var outside = new HashSet<string>();
        var samples = new List<RequestSample>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            double[]? scores = null;
            if (metrics.Count > 0)
            {
                scores = new double[metrics.Count];
                for (var i = 0; i < metrics.Count; i++)
                {
                    var v = columns[i] >= 0 ? row.Others[columns[i]] : double.NaN;
                    if (!double.IsNaN(v) && (v < metrics[i].Min || v > metrics[i].Max))
                    {
                        if (outside.Add(metrics[i].Name))
                        {
                            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(table.File, row.Line),
                                $"{metrics[i].Name} {v} is outside [{metrics[i].Min}, {metrics[i].Max}]; set metrics.{metrics[i].Name}.min and max in judge.yaml, or enabled: false if it is not a quality score"));
                        }
                        v = double.NaN;
                    }
                    scores[i] = v;
                }
            }
            samples.Add(new RequestSample(row.LatencyMs, row.Status, scores, row.Timestamp));
        }
        return samples;
    }

    private static bool Fail(ConsoleIo io, List<InputDiagnostic> diagnostics)
    {
        if (!diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
        {
            return false;
        }
        Inputs.PrintDiagnostics(io, diagnostics, verbose: false);
        io.Stderr.WriteLine("faultline: the input has errors; fix them and run again.");
        return true;
    }
}
