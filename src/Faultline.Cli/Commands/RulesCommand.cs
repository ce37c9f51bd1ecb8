using System.CommandLine;
using System.Text;
using Faultline.Core.Findings;
using Faultline.Core.Rules;

namespace Faultline.Cli.Commands;

/// <summary>`faultline rules [ID]`: the rule catalogue, or one rule's documentation.</summary>
internal static class RulesCommand
{
    public static Command Create(ConsoleIo io)
    {
        var id = new Argument<string?>("id") { Description = "A rule id; prints its documentation.", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format", "-f") { Description = "text or markdown (the README's rule catalogue).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown");
        var command = new Command("rules", "List every rule, or print one rule's documentation.") { id, format };
        command.SetAction(parse =>
        {
            var selected = parse.GetValue(id);
            if (selected is not null)
            {
                var rule = RuleCatalog.Builtin.Find(selected) ?? throw new UsageException($"unknown rule '{selected}' (see `faultline rules`)");
                io.Stdout.Write(Document(rule.Info));
                return ExitCodes.Ok;
            }
            io.Stdout.Write(parse.GetValue(format) == "markdown" ? Catalogue() : List());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string List()
    {
        var sb = new StringBuilder();
        var rules = RuleCatalog.Builtin.Rules.Select(r => r.Info).ToList();
        var width = rules.Max(r => r.Id.Length) + 2;
        foreach (var r in rules)
        {
            sb.Append(r.Id.PadRight(width)).Append(r.DefaultSeverity.Name().PadRight(10)).Append(r.Description).Append('\n');
        }
        return sb.ToString();
    }

    public static string Document(RuleInfo r)
    {
        var sb = new StringBuilder();
        sb.Append(r.Id).Append(" (").Append(r.DefaultSeverity.Name()).Append(")\n");
        sb.Append(r.Title).Append("\n\n");
        sb.Append(Flatten(r.Documentation)).Append("\n\n");
        sb.Append("Fix: ").Append(r.Remediation).Append('\n');
        if (r.Parameters is { Count: > 0 } parameters)
        {
            sb.Append("\nParameters (settings: rules.").Append(r.Id).Append(".<name>):\n");
            foreach (var p in parameters)
            {
                sb.Append("  ").Append(p.Name).Append(": ").Append(p.Description).Append("\n    default: ").Append(string.Join(", ", p.Default)).Append('\n');
            }
        }
        sb.Append("\nSuppress on an object with the annotation faultline.dev/ignore: ").Append(r.Id).Append('\n');
        return sb.ToString();
    }

    /// <summary>The README's rule catalogue, generated from the rules themselves.</summary>
    public static string Catalogue()
    {
        var sb = new StringBuilder();
        sb.Append("| rule | severity | what it finds |\n|---|---|---|\n");
        foreach (var r in RuleCatalog.Builtin.Rules.Select(r => r.Info))
        {
            sb.Append($"| `{r.Id}` | {r.DefaultSeverity.Name()} | {r.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        return sb.ToString();
    }

    /// <summary>Joins the hard-wrapped lines of a raw string into paragraphs.</summary>
    public static string Flatten(string text)
    {
        var paragraphs = text.Split("\n\n");
        return string.Join("\n\n", paragraphs.Select(p => string.Join(' ', p.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))));
    }
}
