using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Core.Rules;

namespace Faultline.Cli.Commands;

/// <summary>`faultline check`: the pre-deploy gate over a folder of manifests.</summary>
internal static class CheckCommand
{
    public static readonly string[] Formats = ["text", "json", "sarif", "junit", "markdown"];

    public static Command Create(ConsoleIo io)
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
        var kubernetesVersion = new Option<string?>("--kubernetes-version") { Description = "Kubernetes release the manifests will be applied to (e.g. 1.33): adds the api.removed and api.deprecated rules." };
        var color = new Option<string>("--color") { Description = "Colour in text output: auto, always or never. Default: auto (off when NO_COLOR is set or output is redirected).", DefaultValueFactory = _ => "auto" };
        color.AcceptOnlyFromAmong("auto", "always", "never");

        var command = new Command("check", "Check manifests for broken assumptions between services and their platform.")
        {
            paths, format, output, failOn, disable, enable, ns, kubernetesVersion, maxFile, verbose, color,
        };
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(paths) is { Length: > 0 } p ? p : ["."];
            var diagnostics = new List<InputDiagnostic>();
            var settings = Inputs.Settings(inputs, parse.GetValue(failOn), parse.GetValue(disable), parse.GetValue(enable), parse.GetValue(kubernetesVersion), diagnostics);
            if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                Inputs.PrintDiagnostics(io, diagnostics, true);
                io.Stderr.WriteLine("faultline: the settings file has errors; fix them and run again.");
                return ExitCodes.UsageOrInput;
            }
            var set = Inputs.Load(io, inputs, parse.GetValue(ns), parse.GetValue(maxFile));
            diagnostics.AddRange(set.Diagnostics);
            Inputs.PrintDiagnostics(io, diagnostics, parse.GetValue(verbose));
            if (set.Manifests.Count == 0 && diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                io.Stderr.WriteLine("faultline: nothing could be read; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            var model = ModelBuilder.Build(set.Manifests);
            var result = CheckEngine.Run(model, settings);
            var report = new CheckReport(result, model, set, diagnostics, settings);
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
            Inputs.Write(io, parse.GetValue(output), text);
            return result.Fails(settings.FailOn) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
