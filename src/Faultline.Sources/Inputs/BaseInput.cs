using System.Diagnostics;
using System.Formats.Tar;
using Faultline.Core.Documents;

namespace Faultline.Sources.Inputs;

/// <summary>
/// The base of a change: a folder, or a git ref of the repository that holds the head. A ref is read with
/// `git archive` into a temporary folder (the working tree is never touched) and removed on dispose.
/// </summary>
public sealed class BaseInput : IDisposable
{
    private readonly string? _temp;

    private BaseInput(IReadOnlyList<string> paths, string? temp, string label, string? displayRoot)
    {
        Paths = paths;
        _temp = temp;
        Label = label;
        DisplayRoot = displayRoot;
    }

    /// <summary>What to load as the base, mirroring the head paths.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>How the base is named in messages: the folder, or the ref.</summary>
    public string Label { get; }

    /// <summary>For a ref: the temporary folder, to be shown as "REF:" in output.</summary>
    public string? DisplayRoot { get; }

    public string Display(string text) =>
        DisplayRoot is null ? text : text.Replace(DisplayRoot + Path.DirectorySeparatorChar, Label + ":", StringComparison.Ordinal);

    public static BaseInput? Resolve(string baseArg, IReadOnlyList<string> headPaths, List<InputDiagnostic> diagnostics)
    {
        if (Directory.Exists(baseArg) || File.Exists(baseArg))
        {
            return new BaseInput([baseArg], null, baseArg, null);
        }
        var head = headPaths.FirstOrDefault(p => p != "-") ?? ".";
        var headDir = Directory.Exists(head) ? head : Path.GetDirectoryName(Path.GetFullPath(head)) ?? ".";
        var location = new SourceLocation(baseArg, 0);
        var (ok, top, _) = Git(headDir, ["rev-parse", "--show-toplevel"]);
        if (!ok)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"--base {baseArg} is neither a folder nor a file, and {head} is not in a git repository"));
            return null;
        }
        top = top.Trim();
        var (refOk, _, refError) = Git(top, ["rev-parse", "--verify", "--quiet", baseArg + "^{commit}"]);
        if (!refOk)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"--base {baseArg}: no such folder, file or git ref in {top}{(refError.Length > 0 ? $" ({refError.Trim()})" : "")}"));
            return null;
        }
        var temp = Directory.CreateTempSubdirectory("faultline-base-").FullName;
        var relatives = headPaths.Where(p => p != "-").Select(p => Path.GetRelativePath(top, Path.GetFullPath(p))).ToList();
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = top };
            foreach (var a in new[] { "archive", "--format=tar", baseArg, "--" }.Concat(relatives.Select(r => r == "." ? "." : r)))
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            TarFile.ExtractToDirectory(process.StandardOutput.BaseStream, temp, overwriteFiles: true);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                // A head path that did not exist at the base: the base is empty there, which is a valid comparison.
                if (!error.Result.Contains("did not match any files", StringComparison.Ordinal))
                {
                    diagnostics.Add(new(DiagnosticLevel.Error, location, $"git archive {baseArg} failed: {error.Result.Trim()}"));
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.ComponentModel.Win32Exception)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"could not read {baseArg} from git: {e.Message}"));
        }
        var paths = relatives.Select(r => Path.Combine(temp, r)).Select(p => Directory.Exists(p) || File.Exists(p) ? p : temp).Distinct().ToList();
        return new BaseInput(paths.Count > 0 ? paths : [temp], temp, baseArg, temp);
    }

    internal static (bool Ok, string Out, string Error) Git(string dir, string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode == 0, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, "", e.Message);
        }
    }

    public void Dispose()
    {
        if (_temp is not null)
        {
            try
            {
                Directory.Delete(_temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
