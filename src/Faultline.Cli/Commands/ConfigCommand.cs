using System.CommandLine;
using System.Text;
using System.Text.Json;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Rules;
using Faultline.Sources.Settings;

namespace Faultline.Cli.Commands;

/// <summary>`faultline config show|explain`: the effective settings and where each value came from.</summary>
internal static class ConfigCommand
{
    public static Command Create(ConsoleIo io)
    {
        var path = new Option<string>("--path") { Description = "Where to look for .faultline/ (walking up). Default: the current folder.", DefaultValueFactory = _ => "." };
        var origin = new Option<bool>("--origin") { Description = "Show the scope, file and line of each value, and what it overrode." };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var show = new Command("show", "Print the effective settings.") { origin, format, path };
        show.SetAction(parse =>
        {
            var (layered, diagnostics) = Load(parse.GetValue(path)!);
            Inputs.PrintDiagnostics(io, diagnostics, false);
            io.Stdout.Write(parse.GetValue(format) == "json" ? Json(layered, null) : Text(layered, parse.GetValue(origin)));
            return diagnostics.Any(d => d.Level == DiagnosticLevel.Error) ? ExitCodes.UsageOrInput : ExitCodes.Ok;
        });

        var key = new Argument<string>("key") { Description = "A setting key, e.g. failOn or rules.image.mutable-tag.severity." };
        var explainFormat = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        explainFormat.AcceptOnlyFromAmong("text", "json");
        var explainPath = new Option<string>("--path") { Description = "Where to look for .faultline/ (walking up).", DefaultValueFactory = _ => "." };
        var explain = new Command("explain", "Show every scope's value of one key and the merge rule that picked the result.") { key, explainFormat, explainPath };
        explain.SetAction(parse =>
        {
            var (layered, diagnostics) = Load(parse.GetValue(explainPath)!);
            Inputs.PrintDiagnostics(io, diagnostics, false);
            var k = parse.GetValue(key)!;
            io.Stdout.Write(parse.GetValue(explainFormat) == "json" ? Json(layered, k) : Explain(layered, k));
            return diagnostics.Any(d => d.Level == DiagnosticLevel.Error) ? ExitCodes.UsageOrInput : ExitCodes.Ok;
        });
        return new Command("config", "Layered settings: managed, command line, local, project, user.") { show, explain };
    }

    private static (LayeredSettings Settings, List<InputDiagnostic> Diagnostics) Load(string path)
    {
        var diagnostics = new List<InputDiagnostic>();
        var layered = LayeredSettings.Load(SettingsSources.Discover(path), [], RuleCatalog.Builtin, diagnostics);
        return (layered, diagnostics);
    }

    private static string Text(LayeredSettings layered, bool origin)
    {
        var sb = new StringBuilder();
        var effective = layered.Effective.ToList();
        if (effective.Count == 0)
        {
            sb.Append("no settings in any scope; the defaults apply (failOn: high)\n");
        }
        foreach (var e in effective)
        {
            sb.Append(e.Key).Append(": ").Append(e.Value);
            if (origin)
            {
                sb.Append("    # ").Append(LayeredSettings.ScopeName(e.Scope)).Append(' ').Append(e.Location);
                if (e.Strategy == MergeStrategy.Union && e.Contributors.Count > 1)
                {
                    sb.Append(" (union of ").Append(string.Join(", ", e.Contributors.Select(c => $"{LayeredSettings.ScopeName(c.Scope)} {c.Location}"))).Append(')');
                }
                foreach (var o in e.Overridden)
                {
                    sb.Append("; overrides ").Append(LayeredSettings.Mask(e.Key, o.Text)).Append(" from ").Append(LayeredSettings.ScopeName(o.Scope)).Append(' ').Append(o.Location);
                }
                if (e.LockedBy is { } locked)
                {
                    sb.Append("; locked (").Append(locked).Append(')');
                }
            }
            sb.Append('\n');
        }
        foreach (var a in layered.Attempts.Where(a => a.Enforcement != "audit"))
        {
            sb.Append("# ").Append(a.Location).Append(": ").Append(a.Key).Append(" is locked by the managed settings; ").Append(LayeredSettings.ScopeName(a.Scope)).Append(" value ").Append(a.Value).Append(" ignored (").Append(a.Enforcement).Append(")\n");
        }
        return sb.ToString();
    }

    private static string Explain(LayeredSettings layered, string key)
    {
        var sb = new StringBuilder();
        var strategy = LayeredSettings.StrategyOf(key);
        sb.Append(key).Append(" — merge rule: ").Append(strategy switch
        {
            MergeStrategy.Union => "union: every scope's items count",
            MergeStrategy.Replace => "replace: the highest scope's whole list wins",
            _ => "scalar: the highest scope wins",
        }).Append('\n');
        var chain = layered.All.Where(v => v.Key == key).ToList();
        if (chain.Count == 0)
        {
            sb.Append("  not set in any scope; the default applies\n");
        }
        foreach (var v in chain.OrderByDescending(v => (int)v.Scope))
        {
            sb.Append("  ").Append(LayeredSettings.ScopeName(v.Scope).PadRight(13)).Append(LayeredSettings.Mask(key, v.Text)).Append("    ").Append(v.Location).Append('\n');
        }
        foreach (var a in layered.Attempts.Where(a => a.Key == key || a.Key.EndsWith(key, StringComparison.Ordinal)))
        {
            sb.Append("  blocked      ").Append(a.Value).Append("    ").Append(a.Location).Append(" (locked by ").Append(a.LockedKey).Append(", ").Append(a.Enforcement).Append(")\n");
        }
        if (layered.Find(key) is { } e)
        {
            sb.Append("  = ").Append(e.Value).Append(" (").Append(LayeredSettings.ScopeName(e.Scope)).Append(')').Append(e.LockedBy is null ? "" : $", locked by {e.LockedBy}").Append('\n');
        }
        return sb.ToString();
    }

    private static string Json(LayeredSettings layered, string? only)
    {
        return JsonText.Render(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteStartArray("settings");
            foreach (var e in layered.Effective.Where(e => only is null || e.Key == only))
            {
                w.WriteStartObject();
                w.WriteString("key", e.Key);
                w.WriteString("value", e.Value);
                w.WriteString("scope", LayeredSettings.ScopeName(e.Scope));
                w.WriteString("file", Paths.Uri(e.Location.File));
                w.WriteNumber("line", e.Location.Line);
                w.WriteString("merge", e.Strategy.ToString().ToLowerInvariant());
                if (e.LockedBy is { } locked)
                {
                    w.WriteString("lockedBy", locked);
                }
                w.WriteStartArray("chain");
                foreach (var v in layered.All.Where(v => v.Key == e.Key).OrderByDescending(v => (int)v.Scope))
                {
                    w.WriteStartObject();
                    w.WriteString("scope", LayeredSettings.ScopeName(v.Scope));
                    w.WriteString("value", LayeredSettings.Mask(e.Key, v.Text));
                    w.WriteString("file", Paths.Uri(v.Location.File));
                    w.WriteNumber("line", v.Location.Line);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteAttempts(w, layered.Attempts);
            w.WriteEndObject();
        });
    }

    /// <summary>Attempts to change locked keys, in every mode: audit ones appear nowhere else.</summary>
    internal static void WriteAttempts(Utf8JsonWriter w, IEnumerable<LockAttempt> attempts)
    {
        w.WriteStartArray("lockAttempts");
        foreach (var a in attempts)
        {
            w.WriteStartObject();
            w.WriteString("key", a.Key);
            w.WriteString("lockedBy", a.LockedKey);
            w.WriteString("scope", LayeredSettings.ScopeName(a.Scope));
            w.WriteString("file", Paths.Uri(a.Location.File));
            w.WriteNumber("line", a.Location.Line);
            w.WriteString("enforcement", a.Enforcement);
            w.WriteString("value", a.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
