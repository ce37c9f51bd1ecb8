using Faultline.Core.Documents;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Core.Upgrade;
using Faultline.Sources.Inputs;
using Faultline.Sources.Settings;

namespace Faultline.Cli.Commands;

/// <summary>Reading inputs and settings the same way for every command that takes manifests.</summary>
internal static class Inputs
{
    public static LoadedSystem Load(ConsoleIo io, IReadOnlyList<string> paths, string? ns, int? maxFileMb, IReadOnlyList<string>? ignorePaths = null)
    {
        var options = new InputOptions
        {
            DefaultNamespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            MaxFileBytes = (maxFileMb ?? 32) * 1024L * 1024L,
            IgnorePaths = ignorePaths ?? [],
        };
        return SystemLoader.Load(paths, options, io.Stdin);
    }

    /// <summary>
    /// The settings of every scope (managed, command line, local, project, user) merged; the command line values are
    /// validated here so a typo is a usage error. Settings errors (including locked keys in enforce mode) are collected.
    /// </summary>
    public static LayeredSettings Settings(IReadOnlyList<string> paths, string? failOn, string[]? disable, string[]? enable, string? kubernetesVersion, List<InputDiagnostic> diagnostics)
    {
        var commandLine = new List<SettingValue>();
        var here = new SourceLocation("command line", 0);
        if (failOn is not null)
        {
            if (!SettingsFile.ParseFailOn(failOn, out _))
            {
                throw new UsageException($"--fail-on must be one of critical, high, medium, low, info, none (got '{failOn}')");
            }
            commandLine.Add(new SettingValue("failOn", new ScalarNode(0, failOn, false), SettingsScope.CommandLine, here));
        }
        if (kubernetesVersion is not null)
        {
            KnownVersion(kubernetesVersion, "--kubernetes-version");
            commandLine.Add(new SettingValue("kubernetesVersion", new ScalarNode(0, kubernetesVersion, false), SettingsScope.CommandLine, here));
        }
        foreach (var (key, ids) in new[] { ("disable", disable), ("enable", enable) })
        {
            if (ids is not { Length: > 0 })
            {
                continue;
            }
            foreach (var id in ids.Where(id => !RuleCatalog.Builtin.Contains(id)))
            {
                var suggestion = LayeredSettings.Suggest(id, RuleCatalog.Builtin.Rules.Select(r => r.Info.Id));
                throw new UsageException($"unknown rule '{id}' (see `faultline rules`)" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
            }
            commandLine.Add(new SettingValue(key, new ListNode(0, ids.Select(id => (Node)new ScalarNode(0, id, false)).ToList()), SettingsScope.CommandLine, here));
        }
        var start = paths.FirstOrDefault(p => p != "-") ?? ".";
        return LayeredSettings.Load(SettingsSources.Discover(start), commandLine, RuleCatalog.Builtin, diagnostics);
    }

    /// <summary>A Kubernetes version the API data covers; anything else is a usage error naming the last version we know.</summary>
    public static KubeVersion KnownVersion(string text, string option) =>
        ApiLifecycle.Builtin.TryParseKnown(text, option, out var version, out var error) ? version : throw new UsageException(error!);

    public static void PrintDiagnostics(ConsoleIo io, IEnumerable<InputDiagnostic> diagnostics, bool verbose)
    {
        foreach (var d in diagnostics)
        {
            if (d.Level != DiagnosticLevel.Note || verbose)
            {
                io.Stderr.WriteLine(d.ToString());
            }
        }
    }

    /// <summary>Writes to --output atomically (temp file, then rename), or to stdout.</summary>
    public static void Write(ConsoleIo io, string? output, string text)
    {
        if (output is null || output == "-")
        {
            io.Stdout.Write(text);
            return;
        }
        var full = Path.GetFullPath(output);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
        {
            throw new UsageException($"--output: folder {dir} does not exist");
        }
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
    }
}
