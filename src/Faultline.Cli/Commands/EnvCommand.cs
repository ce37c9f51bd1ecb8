using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Core.Findings;
using Faultline.Sources.Inputs;
using Faultline.Sources.Settings;

namespace Faultline.Cli.Commands;

/// <summary>`faultline env diff A B`: what differs between two environments of one system, and what it can break.</summary>
internal static class EnvCommand
{
    public static readonly string[] Formats = ["text", "json", "markdown"];

    public static Command Create(ConsoleIo io)
    {
        var env = new Command("env", "Compare environments of one system.");
        env.Subcommands.Add(Diff(io));
        return env;
    }

    private static Command Diff(ConsoleIo io)
    {
        var a = new Argument<string>("A") { Description = "The environment that works (e.g. staging): a folder, a kustomize overlay, a file, a git ref, or REF:PATH." };
        var b = new Argument<string>("B") { Description = "The environment to compare it with (e.g. production), in the same forms." };
        var map = new Option<string[]>("--map-namespace") { Description = "Treat namespace FROM of A as namespace TO of B (FROM=TO, repeatable); adds to env.yaml's namespaces." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, json or markdown.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout (written atomically)." };
        var failOn = new Option<string?>("--fail-on") { Description = "Lowest severity of a difference that makes the exit code 1: critical, high, medium, low, info or none. Default: high." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that do not name one. Default: default." };
        var expected = new Option<string?>("--expected") { Description = "The expected-differences file. Default: the nearest .faultline/env.yaml above A (or the current folder)." };
        var color = new Option<string>("--color") { Description = "Colour in text output: auto, always or never.", DefaultValueFactory = _ => "auto" };
        color.AcceptOnlyFromAmong("auto", "always", "never");

        var command = new Command("diff", "Show what differs between two environments, ranked by what it can break, and where.")
        {
            a, b, map, format, output, failOn, ns, expected, color,
        };
        command.SetAction(parse =>
        {
            Severity? threshold = Severity.High;
            if (parse.GetValue(failOn) is { } f && !SettingsFile.ParseFailOn(f, out threshold))
            {
                throw new UsageException($"--fail-on must be one of critical, high, medium, low, info, none (got '{f}')");
            }
            var cliMap = ParseMap(parse.GetValue(map) ?? []);
            var diagnostics = new List<InputDiagnostic>();
            using var inputA = EnvInput.Resolve(parse.GetValue(a)!, diagnostics);
            using var inputB = EnvInput.Resolve(parse.GetValue(b)!, diagnostics);
            if (inputA is null || inputB is null)
            {
                Inputs.PrintDiagnostics(io, diagnostics, false);
                io.Stderr.WriteLine("faultline: an environment could not be found; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            EnvInput.Disambiguate(inputA, inputB);

            var expectedFile = parse.GetValue(expected);
            if (expectedFile is not null && !File.Exists(expectedFile))
            {
                throw new UsageException($"--expected: no such file {expectedFile}");
            }
            expectedFile ??= EnvFile.Find(inputA.Paths[0]) ?? EnvFile.Find(inputB.Paths[0]) ?? EnvFile.Find(".");
            var options = expectedFile is null ? EnvDiffOptions.Default : EnvFile.Load(expectedFile, diagnostics);
            if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                Inputs.PrintDiagnostics(io, diagnostics.Select(d => d with { Location = d.Location with { File = inputA.Display(inputB.Display(d.Location.File)) } }), false);
                io.Stderr.WriteLine(inputA.Display(inputB.Display($"faultline: {Paths.Uri(expectedFile!)} has errors; fix them and run again.")));
                return ExitCodes.UsageOrInput;
            }

            var loadedA = Inputs.Load(io, inputA.Paths, parse.GetValue(ns), null);
            var loadedB = Inputs.Load(io, inputB.Paths, parse.GetValue(ns), null);
            diagnostics.AddRange(loadedA.Diagnostics.Select(d => d with { Location = d.Location with { File = inputA.Display(d.Location.File) } }));
            diagnostics.AddRange(loadedB.Diagnostics.Select(d => d with { Location = d.Location with { File = inputB.Display(d.Location.File) } }));
            Inputs.PrintDiagnostics(io, diagnostics, false);
            foreach (var (input, loaded) in new[] { (inputA, loadedA), (inputB, loadedB) })
            {
                if (loaded.Input.Manifests.Count == 0)
                {
                    io.Stderr.WriteLine(loaded.Diagnostics.Any(d => d.Level == DiagnosticLevel.Error)
                        ? $"faultline: {input.Argument} could not be read; see the errors above."
                        : $"faultline: {input.Argument} holds no Kubernetes objects; nothing to compare.");
                    return ExitCodes.UsageOrInput;
                }
            }

            var namespaces = Orient(options.NamespaceMap, loadedA.Model.Namespaces, loadedB.Model.Namespaces);
            foreach (var (from, to) in cliMap)
            {
                namespaces[from] = to;
            }
            options = options with { NamespaceMap = namespaces };
            var result = EnvDiff.Compare(new EnvSnapshot(inputA.Label, loadedA.Model), new EnvSnapshot(inputB.Label, loadedB.Model), options);
            if (result.Matched == 0)
            {
                io.Stderr.WriteLine($"faultline: warning: no object of {inputA.Label} matched one of {inputB.Label}; if their namespaces differ, map them with --map-namespace {Names(loadedA.Model.Namespaces)}={Names(loadedB.Model.Namespaces)}");
            }

            var report = new EnvDiffReport(result, inputA, inputB, loadedA.Input.Manifests.Count, loadedB.Input.Manifests.Count, expectedFile, threshold,
                diagnostics.Where(d => d.Level != DiagnosticLevel.Note).ToList());
            var colorMode = parse.GetValue(color)!;
            var useColor = colorMode == "always" || colorMode == "auto" && parse.GetValue(output) is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var text = parse.GetValue(format) switch
            {
                "json" => EnvDiffJson.Render(report),
                "markdown" => EnvDiffMarkdown.Render(report),
                _ => EnvDiffText.Render(report, useColor),
            };
            Inputs.Write(io, parse.GetValue(output), inputB.Display(inputA.Display(text)));
            return result.Failing(threshold) > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }

    private static Dictionary<string, string> ParseMap(string[] pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                throw new UsageException($"--map-namespace takes FROM=TO, a namespace of A and the namespace of B it corresponds to (got '{pair}')");
            }
            map[pair[..eq]] = pair[(eq + 1)..];
        }
        return map;
    }

    /// <summary>
    /// env.yaml maps the first environment's namespaces to the second's; when the environments are given the
    /// other way round (production first), the mapping is turned around so the same file serves both orders.
    /// </summary>
    private static Dictionary<string, string> Orient(IReadOnlyDictionary<string, string> map, IReadOnlySet<string> nsA, IReadOnlySet<string> nsB)
    {
        var reversed = map.Count > 0 && !map.Keys.Any(nsA.Contains) && map.Keys.Any(nsB.Contains) && map.Values.Any(nsA.Contains);
        return reversed
            ? map.GroupBy(kv => kv.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal)
            : new Dictionary<string, string>(map, StringComparer.Ordinal);
    }

    private static string Names(IReadOnlySet<string> namespaces) =>
        namespaces.Where(n => n != "default").Order(StringComparer.Ordinal).FirstOrDefault() ?? "default";
}
