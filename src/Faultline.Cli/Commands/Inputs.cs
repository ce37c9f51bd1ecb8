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
    public static LoadedSystem Load(ConsoleIo io, IReadOnlyList<string> paths, string? ns, int? maxFileMb)
    {
        var options = new InputOptions
        {
            DefaultNamespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            MaxFileBytes = (maxFileMb ?? 32) * 1024L * 1024L,
        };
        return SystemLoader.Load(paths, options, io.Stdin);
    }

    /// <summary>Project settings (if any) with the command line applied on top; errors stop the run.</summary>
    public static CheckSettings Settings(IReadOnlyList<string> paths, string? failOn, string[]? disable, string[]? enable, string? kubernetesVersion, List<InputDiagnostic> diagnostics)
    {
        var settings = CheckSettings.Default;
        var start = paths.FirstOrDefault(p => p != "-") ?? ".";
        if (SettingsFile.Find(start) is { } file)
        {
            settings = SettingsFile.Load(file, settings, RuleCatalog.Builtin, diagnostics);
        }
        if (failOn is not null)
        {
            if (!SettingsFile.ParseFailOn(failOn, out var threshold))
            {
                throw new UsageException($"--fail-on must be one of critical, high, medium, low, info, none (got '{failOn}')");
            }
            settings = settings with { FailOn = threshold };
        }
        if (kubernetesVersion is not null)
        {
            settings = settings with { KubernetesVersion = KnownVersion(kubernetesVersion, "--kubernetes-version") };
        }
        foreach (var id in (disable ?? []).Concat(enable ?? []))
        {
            if (!RuleCatalog.Builtin.Contains(id))
            {
                throw new UsageException($"unknown rule '{id}' (see `faultline rules`)");
            }
        }
        settings = settings with
        {
            Disabled = settings.Disabled.Union(disable ?? []).Except(enable ?? []).ToHashSet(),
            Enabled = settings.Enabled.Union(enable ?? []).ToHashSet(),
        };
        return settings;
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
