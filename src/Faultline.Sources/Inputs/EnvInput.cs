using Faultline.Core.Documents;

namespace Faultline.Sources.Inputs;

/// <summary>
/// One environment named on the command line: a folder or file (a kustomize overlay is a folder), a git ref of the
/// repository around the current folder (read whole, e.g. an environment branch), or REF:PATH for a folder at a
/// ref (the whole tree is read, so an overlay's ../../base is there too). A folder wins over a ref of the same name.
/// </summary>
public sealed class EnvInput : IDisposable
{
    private readonly BaseInput? _git;

    private EnvInput(string argument, IReadOnlyList<string> paths, string label, BaseInput? git)
    {
        Argument = argument;
        Paths = paths;
        Label = label;
        _git = git;
    }

    public string Argument { get; }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>How the environment is named in messages: the folder's name, or the ref.</summary>
    public string Label { get; private set; }

    /// <summary>Output text with temporary folders of a git ref written as "REF:path".</summary>
    public string Display(string text) => _git?.Display(text) ?? text;

    /// <summary>Names both environments by their arguments when their short labels are the same.</summary>
    public static void Disambiguate(EnvInput a, EnvInput b)
    {
        if (a.Label == b.Label)
        {
            a.Label = a.Argument;
            b.Label = b.Argument == a.Argument ? b.Argument + " (B)" : b.Argument;
        }
    }

    public static EnvInput? Resolve(string argument, List<InputDiagnostic> diagnostics)
    {
        var location = new SourceLocation(argument, 0);
        if (Directory.Exists(argument) || File.Exists(argument))
        {
            return new EnvInput(argument, [argument], LabelOf(argument), null);
        }
        var (inRepo, top, _) = BaseInput.Git(".", ["rev-parse", "--show-toplevel"]);
        if (!inRepo)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, "no such folder or file (and the current folder is not in a git repository, so it is not a git ref either)"));
            return null;
        }
        top = top.Trim();
        var colon = argument.IndexOf(':', StringComparison.Ordinal);
        var (gitRef, path) = colon > 0 ? (argument[..colon], argument[(colon + 1)..]) : (argument, null);
        var (isRef, _, _) = BaseInput.Git(top, ["rev-parse", "--verify", "--quiet", gitRef + "^{commit}"]);
        if (!isRef)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, colon > 0
                ? $"no such folder or file, and '{gitRef}' is not a git ref of {top}"
                : $"no such folder, file or git ref (in {top})"));
            return null;
        }
        if (path is null)
        {
            var whole = BaseInput.Resolve(gitRef, ["."], diagnostics);
            // "TEMP/." as "TEMP", so files show as "REF:deploy/x.yaml", not "REF:./deploy/x.yaml".
            return whole is null ? null : new EnvInput(argument, whole.Paths.Select(p => System.IO.Path.GetFullPath(p)).ToList(), gitRef, whole);
        }
        var git = BaseInput.Resolve(gitRef, [top], diagnostics);
        if (git?.DisplayRoot is null)
        {
            git?.Dispose();
            return null;
        }
        var inside = System.IO.Path.Combine(git.DisplayRoot, path.TrimStart('/'));
        if (!Directory.Exists(inside) && !File.Exists(inside))
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"{path} does not exist at {gitRef} (REF:PATH takes PATH from the repository root)"));
            git.Dispose();
            return null;
        }
        return new EnvInput(argument, [inside], LabelOf(path.Length == 0 ? gitRef : path), git);
    }

    private static string LabelOf(string path)
    {
        var trimmed = path.TrimEnd('/', System.IO.Path.DirectorySeparatorChar);
        var name = System.IO.Path.GetFileName(trimmed.Length == 0 ? path : trimmed);
        if (name is "" or "." or "..")
        {
            name = System.IO.Path.GetFileName(System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar));
        }
        return System.IO.Path.GetFileNameWithoutExtension(name) is { Length: > 0 } stem && File.Exists(path) ? stem : name;
    }

    public void Dispose() => _git?.Dispose();
}
