using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Sources.Inputs;

namespace Faultline.Cli.Commands;

/// <summary>`faultline check`: the pre-deploy gate over a folder of manifests.</summary>
internal static class CheckCommand
{
    public static readonly string[] Formats = ["text", "json", "sarif", "junit", "markdown"];

    public static Command Create(ConsoleIo io) =>
        Create(io, "check", "Check manifests for broken assumptions between services and their platform.", [], null);

    /// <summary>
    /// The check command, or a command that is a check plus more (`resources check`): <paramref name="extra"/>
    /// options are added, and <paramref name="adjust"/> changes the merged settings before the rules run (it
    /// reports input problems into the diagnostics; an error there stops the run with exit code 2).
    /// </summary>
    public static Command Create(ConsoleIo io, string name, string description, IReadOnlyList<Option> extra, Func<ParseResult, List<InputDiagnostic>, CheckSettings, CheckSettings>? adjust)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Folders (read recursively; a kustomization is rendered with kubectl), files, or - for stdin. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, json, sarif, junit or markdown.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout (written atomically)." };
        var failOn = new Option<string?>("--fail-on") { Description = "Lowest severity that makes the exit code 1: critical, high, medium, low, info or none. Default: high." };
        var disable = new Option<string[]>("--disable") { Description = "Turn a rule off (repeatable).", AllowMultipleArgumentsPerToken = false };
        var enable = new Option<string[]>("--enable") { Description = "Turn a rule on, even if settings disable it (repeatable)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that do not name one. Default: default." };
        var maxFile = new Option<int?>("--max-file-size") { Description = "Largest file read, in MB; larger files are reported and skipped. Default: 32." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also list the documents that were skipped because they are not Kubernetes objects." };
        var baseOption = new Option<string?>("--base") { Description = "Compare with a base version (a folder, or a git ref of the repository holding PATH) and report what the change introduces or makes worse." };
        var all = new Option<bool>("--all") { Description = "With --base, also report findings the base already had." };
        var kubernetesVersion = new Option<string?>("--kubernetes-version") { Description = "Kubernetes release the manifests will be applied to (e.g. 1.33): adds the api.removed and api.deprecated rules." };
        var color = new Option<string>("--color") { Description = "Colour in text output: auto, always or never. Default: auto (off when NO_COLOR is set or output is redirected).", DefaultValueFactory = _ => "auto" };
        color.AcceptOnlyFromAmong("auto", "always", "never");

        var command = new Command(name, description)
        {
            paths, format, output, failOn, disable, enable, ns, kubernetesVersion, maxFile, verbose, color, baseOption, all,
        };
        foreach (var option in extra)
        {
            command.Add(option);
        }
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(paths) is { Length: > 0 } p ? p : ["."];
            var diagnostics = new List<InputDiagnostic>();
            var layered = Inputs.Settings(inputs, parse.GetValue(failOn), parse.GetValue(disable), parse.GetValue(enable), parse.GetValue(kubernetesVersion), diagnostics);
            var settings = layered.Settings;
            if (adjust is not null && !diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                settings = adjust(parse, diagnostics, settings);
                if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
                {
                    Inputs.PrintDiagnostics(io, diagnostics, true);
                    io.Stderr.WriteLine($"faultline: the input of {name} has errors; fix them and run again.");
                    return ExitCodes.UsageOrInput;
                }
            }
            if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                Inputs.PrintDiagnostics(io, diagnostics, true);
                io.Stderr.WriteLine("faultline: the settings have errors; fix them and run again (faultline config show --origin shows where each value comes from).");
                return ExitCodes.UsageOrInput;
            }
            var timings = Timings.Start(io);
            var loaded = Inputs.Load(io, inputs, parse.GetValue(ns), parse.GetValue(maxFile), settings.IgnorePaths);
            timings.Mark("read, parse and model");
            diagnostics.AddRange(loaded.Diagnostics);
            using var baseInput = parse.GetValue(baseOption) is { } baseArg ? BaseInput.Resolve(baseArg, inputs, diagnostics) : null;
            LoadedSystem? baseSystem = null;
            if (baseInput is not null)
            {
                baseSystem = Inputs.Load(io, baseInput.Paths, parse.GetValue(ns), parse.GetValue(maxFile), settings.IgnorePaths);
                diagnostics.AddRange(baseSystem.Diagnostics.Where(d => d.Level != DiagnosticLevel.Note).Select(d => d with { Location = d.Location with { File = baseInput.Display(d.Location.File) } }));
            }
            Inputs.PrintDiagnostics(io, diagnostics, parse.GetValue(verbose));
            if (loaded.Input.Manifests.Count == 0 && diagnostics.Any(d => d.Level == DiagnosticLevel.Error)
                || parse.GetValue(baseOption) is not null && baseInput is null)
            {
                io.Stderr.WriteLine(baseInput is null && parse.GetValue(baseOption) is not null
                    ? "faultline: the base could not be read; see the errors above."
                    : "faultline: nothing could be read; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            var result = CheckEngine.Run(loaded.Model, settings, baseModel: baseSystem?.Model);
            if (baseSystem is not null)
            {
                var before = CheckEngine.Run(baseSystem.Model, settings);
                result = ChangeComparison.Compare(result, before, parse.GetValue(all));
            }
            timings.Mark("rules");
            var report = new CheckReport(result, loaded.Model, loaded.Input, diagnostics, settings) { BaseLabel = baseInput?.Label, LockAttempts = layered.Attempts };
            var selected = parse.GetValue(format)!;
            var colorMode = parse.GetValue(color)!;
            var useColor = colorMode == "always" || colorMode == "auto" && parse.GetValue(output) is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var text = selected switch
            {
                "json" => JsonReport.Render(report),
                "sarif" => SarifReport.Render(report),
                "junit" => JunitReport.Render(report),
                "markdown" => MarkdownReport.Render(report),
                _ => TextReport.Render(report, useColor),
            };
            if (baseInput is not null)
            {
                text = baseInput.Display(text);
            }
            Inputs.Write(io, parse.GetValue(output), text);
            timings.Mark("render");
            return result.Fails(settings.FailOn) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
