using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Model;

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
        var command = new Command("graph", "Print the inferred service graph.") { paths, format, output, ns };
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
            var graph = ServiceGraph.From(loaded.Model);
            var text = parse.GetValue(format) switch
            {
                "dot" => GraphRenderer.Dot(graph),
                "json" => GraphRenderer.Json(graph, loaded.Diagnostics),
                _ => GraphRenderer.Mermaid(graph),
            };
            Inputs.Write(io, parse.GetValue(output), text);
            return ExitCodes.Ok;
        });
        return command;
    }
}
