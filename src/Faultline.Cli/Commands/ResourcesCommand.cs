using System.CommandLine;
using System.Globalization;
using System.Text;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Resources;
using Faultline.Integrations.Prometheus;
using Faultline.Sources.Resources;

namespace Faultline.Cli.Commands;

/// <summary>`faultline resources`: requests and limits from observed usage, checked against manifests in CI.</summary>
internal static class ResourcesCommand
{
    public static Command Create(ConsoleIo io) => new("resources", "Recommend CPU and memory requests and limits from observed usage, and check manifests against them.")
    {
        Recommend(io),
        Check(io),
        Defaults(io),
    };

    private static Command Recommend(ConsoleIo io)
    {
        var prometheus = new Option<string?>("--prometheus") { Description = "Prometheus (or Thanos, Mimir) base URL with cAdvisor metrics, e.g. http://prometheus:9090." };
        var samples = new Option<string?>("--samples") { Description = "Instead of Prometheus: a load test's CSV with timestamp, container, cpu_cores, memory_bytes (optional: namespace, workload, pod)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Only these namespaces (a Prometheus regular expression, e.g. shop or shop|payments). Default: all." };
        var window = new Option<string>("--window") { Description = "How much history to read from Prometheus, e.g. 14d, 3d, 12h. Default: 14d.", DefaultValueFactory = _ => "14d" };
        var strategy = new Option<string>("--strategy") { Description = "simple (CPU p95, memory peak +15%) or vpa (the Vertical Pod Autoscaler recommender's estimators). Default: simple.", DefaultValueFactory = _ => "simple" };
        strategy.AcceptOnlyFromAmong("simple", "vpa");
        var minHistory = new Option<string>("--min-history") { Description = "Refuse to recommend a resource with less observed time than this. Default: 3h.", DefaultValueFactory = _ => "3h" };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text or json (the input of `resources check --recommendations`).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the recommendations to this file instead of stdout (written atomically)." };
        var command = new Command("recommend", "Recommend requests and limits per container from CPU and memory usage (Prometheus cAdvisor metrics, or a load test's CSV).")
        {
            prometheus, samples, ns, window, strategy, minHistory, format, output,
        };
        command.SetAction(parse =>
        {
            var options = new RecommendOptions
            {
                Strategy = parse.GetValue(strategy) == "vpa" ? RecommendStrategy.Vpa : RecommendStrategy.Simple,
                MinHistory = Durations.Parse(parse.GetValue(minHistory)!, "--min-history"),
            };
            var url = parse.GetValue(prometheus);
            var file = parse.GetValue(samples);
            if ((url is null) == (file is null))
            {
                throw new UsageException("resources recommend needs the usage from one place: --prometheus URL or --samples FILE");
            }
            RecommendReport report;
            if (file is not null)
            {
                var diagnostics = new List<InputDiagnostic>();
                string text;
                try
                {
                    text = file == "-" ? io.Stdin.ReadToEnd() : File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--samples: cannot read {file}: {e.Message}");
                }
                var usage = UsageCsv.Parse(text, file, diagnostics);
                Inputs.PrintDiagnostics(io, diagnostics, false);
                if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
                {
                    io.Stderr.WriteLine("faultline: the samples have errors; see above.");
                    return ExitCodes.UsageOrInput;
                }
                var times = usage.SelectMany(u => u.Cpu.Concat(u.Memory)).Select(p => p.Time).ToList();
                report = new RecommendReport(file, options, times.Count > 0 ? times.Min() : null, times.Count > 0 ? times.Max() : null, null,
                    ResourceRecommender.Recommend(usage, options));
            }
            else
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                {
                    throw new UsageException($"--prometheus '{url}' is not an http(s) URL");
                }
                var span = Durations.Parse(parse.GetValue(window)!, "--window");
                if (span <= TimeSpan.Zero)
                {
                    throw new UsageException("--window must be longer than zero");
                }
                var end = DateTimeOffset.UtcNow;
                var start = end - span;
                using var http = new HttpClient();
                var reader = new ResourceUsageReader(new PrometheusClient(http, baseUrl, TimeSpan.FromSeconds(60)));
                ResourceUsageResult read;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    read = reader.ReadAsync(parse.GetValue(ns), start, end).GetAwaiter().GetResult();
                }
                catch (PrometheusException e)
                {
                    io.Stderr.WriteLine($"faultline: could not read the usage: {e.Message}");
                    return ExitCodes.Undecided;
                }
                io.Stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"faultline: read {read.Containers.Count} containers from {baseUrl} ({read.Queries} range queries, step {read.Step.TotalSeconds:0} s, {watch.Elapsed.TotalSeconds:0.0} s){(read.OomMetricsFound ? "" : "; no OOM kill metrics found")}"));
                report = new RecommendReport(baseUrl.ToString(), options, start, end, read.Step, ResourceRecommender.Recommend(read.Containers, options));
            }
            var rendered = parse.GetValue(format) == "json" ? RecommendJson.Render(report) : RecommendText.Render(report);
            Inputs.Write(io, parse.GetValue(output), rendered);
            if (report.Recommended == 0)
            {
                io.Stderr.WriteLine(report.Recommendations.Count == 0
                    ? "faultline: no container usage found; nothing to recommend."
                    : "faultline: no container has enough history for a recommendation.");
                return ExitCodes.Undecided;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check(ConsoleIo io)
    {
        var recommendations = new Option<string>("--recommendations") { Description = "The JSON of `faultline resources recommend --format json`.", Required = true };
        return CheckCommand.Create(io, "check",
            "Check manifests as `faultline check` does, and compare every container's requests with the recommendations (rule resources.request-far-from-usage).",
            [recommendations],
            (parse, diagnostics, settings) =>
            {
                var recs = RecommendationsFile.Read(parse.GetValue(recommendations)!, diagnostics);
                return settings with { ResourceRecommendations = recs };
            });
    }

    private static Command Defaults(ConsoleIo io)
    {
        var paths = new Argument<string[]>("path") { Description = "Folders or files of manifests: list the containers without requests, with a block for each. Without: print the block.", Arity = ArgumentArity.ZeroOrMore };
        var cpu = new Option<string>("--cpu") { Description = "The CPU request to start from. Default: 100m.", DefaultValueFactory = _ => "100m" };
        var memory = new Option<string>("--memory") { Description = "The memory request and limit to start from. Default: 256Mi.", DefaultValueFactory = _ => "256Mi" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that do not name one. Default: default." };
        var command = new Command("defaults", "Print a starting resources block for workloads that have none.") { paths, cpu, memory, ns };
        command.SetAction(parse =>
        {
            var cpuText = parse.GetValue(cpu)!;
            var memoryText = parse.GetValue(memory)!;
            if (Core.Model.Quantity.ParseValue(cpuText) is not > 0)
            {
                throw new UsageException($"--cpu '{cpuText}' is not a CPU quantity (100m, 0.5)");
            }
            if (Core.Model.Quantity.ParseValue(memoryText) is not > 0)
            {
                throw new UsageException($"--memory '{memoryText}' is not a memory quantity (256Mi, 1Gi)");
            }
            var block = Block(cpuText, memoryText);
            var inputs = parse.GetValue(paths) ?? [];
            if (inputs.Length == 0)
            {
                io.Stdout.Write(block);
                return ExitCodes.Ok;
            }
            var loaded = Inputs.Load(io, inputs, parse.GetValue(ns), null);
            Inputs.PrintDiagnostics(io, loaded.Diagnostics, false);
            if (loaded.Input.Manifests.Count == 0 && loaded.Diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                io.Stderr.WriteLine("faultline: nothing could be read; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            var text = new StringBuilder();
            var count = 0;
            foreach (var w in loaded.Model.Workloads)
            {
                foreach (var c in w.InitContainers.Concat(w.Containers))
                {
                    var r = c.Resources;
                    // A missing request defaults to the limit, so a limit counts.
                    var noCpu = (r.CpuRequest ?? r.CpuLimit) is null;
                    var noMemory = (r.MemoryRequest ?? r.MemoryLimit) is null;
                    if (!noCpu && !noMemory)
                    {
                        continue;
                    }
                    count++;
                    var at = w.Manifest.At(c.Resources.Node ?? c.Node);
                    var missing = noCpu && noMemory ? "cpu and memory" : noCpu ? "cpu" : "memory";
                    text.Append(CultureInfo.InvariantCulture, $"{at}: {w.Namespace}/{w} container {c.Name}: no {missing} request\n");
                    foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        text.Append("    ").Append(line).Append('\n');
                    }
                    text.Append('\n');
                }
            }
            text.Append(count == 0
                ? "every container sets its requests\n"
                : $"{count} container{(count == 1 ? "" : "s")} without requests; replace these starting values with `faultline resources recommend` once they have run for a few hours\n");
            io.Stdout.Write(text.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A starting block: a CPU request without a limit, memory request = limit.</summary>
    public static string Block(string cpu, string memory) => $"""
        resources:
          requests:
            cpu: {cpu}          # no CPU limit: a limit throttles, it does not protect neighbours
            memory: {memory}
          limits:
            memory: {memory}    # = the request: the container is OOM-killed at its own limit, not evicted for a neighbour

        """;
}
