using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Sources.Inputs;

namespace Faultline.Cli.Commands;

/// <summary>`faultline graph`: the inferred services and the edges between them, with evidence.</summary>
internal static class GraphCommand
{
    public static Command Create(ConsoleIo io)
    {
        var paths = new Argument<string[]>("path") { Description = "Folders, files, or - for stdin. Default: the current folder.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format", "-f") { Description = "mermaid, dot or json.", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that do not name one." };
        var baseOption = new Option<string?>("--base") { Description = "Mark edges added, changed or removed since a base (a folder or a git ref)." };
        var command = new Command("graph", "Print the inferred service graph.") { paths, format, output, ns, baseOption };
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(paths) is { Length: > 0 } p ? p : ["."];
            var loaded = Inputs.Load(io, inputs, parse.GetValue(ns), null);
            Inputs.PrintDiagnostics(io, loaded.Diagnostics, false);
            if (loaded.Input.Manifests.Count == 0 && loaded.Diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                io.Stderr.WriteLine("faultline: nothing could be read; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            var diagnostics = new List<InputDiagnostic>();
            using var baseInput = parse.GetValue(baseOption) is { } baseArg ? BaseInput.Resolve(baseArg, inputs, diagnostics) : null;
            if (parse.GetValue(baseOption) is not null && baseInput is null)
            {
                Inputs.PrintDiagnostics(io, diagnostics, false);
                return ExitCodes.UsageOrInput;
            }
            var graph = baseInput is null
                ? ServiceGraph.From(loaded.Model)
                : ServiceGraph.Compare(loaded.Model, Inputs.Load(io, baseInput.Paths, parse.GetValue(ns), null).Model);
            var text = parse.GetValue(format) switch
            {
                "dot" => GraphRenderer.Dot(graph),
                "json" => GraphRenderer.Json(graph, loaded.Diagnostics),
                _ => GraphRenderer.Mermaid(graph),
            };
            Inputs.Write(io, parse.GetValue(output), baseInput?.Display(text) ?? text);
            return ExitCodes.Ok;
        });
        return command;
    }
}
