using System.Diagnostics;
using System.Globalization;
using System.Text;
using Faultline.Bench.Judge;

// Compares Faultline's canary judge with Kayenta-style and Flagger-style judges on the same generated data.
// Usage: dotnet run -c Release --project bench/judge -- [--runs N] [--threads N] [--seed S] [--sigma X] [--only key,key]
var runs = 200;
var sigma = RunData.DefaultSigma;
var threads = Environment.ProcessorCount;
var seed = 20240;
string[]? only = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--threads":
            threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--sigma":
            sigma = double.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--only":
            only = args[++i].Split(',');
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

const int Batch = 100;
const int Looks = 200;
IJudge[] judges =
[
    new FaultlineJudge(),
    new KayentaJudge(),
    new FlaggerJudge(0.99, 500),
    new FlaggerJudge(0.95, 500),
];
var scenarios = Scenario.All.Where(s => only is null || only.Contains(s.Key)).ToList();
var clock = Stopwatch.StartNew();
var results = new Dictionary<(string Scenario, string Judge), RunResult[]>();
foreach (var scenario in scenarios)
{
    var perJudge = judges.ToDictionary(j => j.Name, _ => new RunResult[runs]);
    Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = threads }, run =>
    {
        // The same seed per run index in every scenario: scenarios differ only in what they change.
        var data = RunData.Generate(scenario, Batch * Looks, seed + run, sigma);
        foreach (var judge in judges)
        {
            perJudge[judge.Name][run] = judge.Run(data, Batch, Looks);
        }
    });
    foreach (var judge in judges)
    {
        results[(scenario.Key, judge.Name)] = perJudge[judge.Name];
    }
    Console.Error.WriteLine($"{scenario.Name}: done at {clock.Elapsed.TotalSeconds:0}s");
}

var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"{runs} runs per scenario (seed {seed}); {Looks} looks of {Batch} requests per arm (up to {Batch * Looks:N0}); latency log-normal (median 100 ms, sigma {sigma}), 0.5% errors, quality Beta (mean 0.8, sd 0.15) unless the scenario changes them.");
table.AppendLine("Cells: share of runs with that outcome, and the median canary requests at the decision.");
table.AppendLine();
var header = new List<string> { "scenario", "outcome" };
header.AddRange(judges.Select(j => j.Name));
var rows = new List<List<string>> { header };
foreach (var scenario in scenarios)
{
    var outcomes = scenario.Key switch
    {
        "aa" => new[] { Outcome.Rollback, Outcome.Promote },
        "better" => [Outcome.Rollback, Outcome.Promote],
        _ => [Outcome.Rollback],
    };
    foreach (var outcome in outcomes)
    {
        var label = (scenario.Key, outcome) switch
        {
            ("aa", Outcome.Rollback) => "false rollback",
            ("better", Outcome.Rollback) => "false rollback",
            (_, Outcome.Rollback) => "rolled back (detected)",
            _ => "promoted",
        };
        var row = new List<string> { scenario.Name, label };
        row.AddRange(judges.Select(j => Cell(results[(scenario.Key, j.Name)], outcome)));
        rows.Add(row);
    }
}
var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
foreach (var (row, index) in rows.Select((r, i) => (r, i)))
{
    table.AppendLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
    if (index == 0)
    {
        table.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
    }
}
table.AppendLine();
table.AppendLine(Goals(results, runs));
table.AppendLine(CultureInfo.InvariantCulture, $"elapsed {clock.Elapsed.TotalSeconds:0} s, {threads} threads");
Console.Write(table.ToString());
return 0;

static string Cell(RunResult[] runs, Outcome outcome)
{
    var hits = runs.Where(r => r.Outcome == outcome).Select(r => r.Samples).Order().ToList();
    var share = 100.0 * hits.Count / runs.Length;
    var median = hits.Count == 0 ? "" : $" (median {Median(hits):N0})";
    return string.Create(CultureInfo.InvariantCulture, $"{share:0.0}%{median}");
}

static double Median(List<int> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;

static string Goals(Dictionary<(string Scenario, string Judge), RunResult[]> results, int runs)
{
    double Share(string scenario, Outcome outcome) =>
        results.TryGetValue((scenario, "Faultline"), out var r) ? r.Count(x => x.Outcome == outcome) / (double)r.Length : double.NaN;
    double MedianOf(string scenario) =>
        results.TryGetValue((scenario, "Faultline"), out var r) && r.Any(x => x.Outcome == Outcome.Rollback)
            ? Median(r.Where(x => x.Outcome == Outcome.Rollback).Select(x => x.Samples).Order().ToList())
            : double.NaN;
    var lines = new List<string> { "Goals for Faultline's judge:" };
    void Goal(string text, double value, bool met) =>
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {(double.IsNaN(value) ? "not run" : met ? "met   " : "MISSED")}  {text}: {value:0.###}"));
    var aaRollback = Share("aa", Outcome.Rollback);
    Goal("A/A false rollback rate <= 5%", aaRollback, aaRollback <= 0.05);
    var lat20 = Share("lat20", Outcome.Rollback);
    Goal("latency +20% detected in >= 95% of runs", lat20, lat20 >= 0.95);
    var lat20Median = MedianOf("lat20");
    Goal("latency +20% median samples to detect <= 1,000", lat20Median, lat20Median <= 1000);
    foreach (var (key, text) in new[] { ("lat10", "latency +10%"), ("tail", "tail regression"), ("err15", "errors 0.5% -> 1.5%") })
    {
        var share = Share(key, Outcome.Rollback);
        Goal($"{text} detected in >= 90% of runs", share, share >= 0.90);
    }
    var aaPromote = Share("aa", Outcome.Promote);
    Goal("A/A promoted in >= 80% of runs", aaPromote, aaPromote >= 0.80);
    return string.Join('\n', lines) + "\n";
}
