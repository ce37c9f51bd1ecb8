using System.Diagnostics;
using System.Text;
using Faultline.Core.Documents;
using Faultline.Core.Upgrade;
using Faultline.Sources.Helm;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Inputs;

/// <summary>
/// Reads Kubernetes objects from a folder (recursively), a file, stdin ("-") or a kustomization, keeping the file
/// and line of every object. Problems are collected as diagnostics; reading goes on past them.
/// </summary>
public sealed class ManifestLoader(InputOptions options)
{
    public const string StdinName = "<stdin>";

    private static readonly string[] KustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    public ManifestSet Load(IReadOnlyList<string> paths, TextReader? stdin = null)
    {
        var diagnostics = new List<InputDiagnostic>();
        var texts = new List<(string Name, Func<List<InputDiagnostic>, string?> Read)>();
        var kustomized = new List<(string Name, string Text, KustomizeSourceMap Map)>();
        var manifests = new List<Manifest>();
        var files = 0;
        foreach (var path in paths)
        {
            if (path == "-")
            {
                var reader = stdin ?? Console.In;
                texts.Add((StdinName, d => ReadLimited(reader, StdinName, d)));
            }
            else if (Directory.Exists(path))
            {
                if (KustomizationNames.Any(n => File.Exists(Path.Combine(path, n))))
                {
                    var rendered = Kustomize(path, diagnostics);
                    if (rendered is not null)
                    {
                        var name = Path.Combine(path, "kustomization.yaml") + " (rendered)";
                        var sourceMap = KustomizeSourceMap.Build(path, this);
                        kustomized.Add((name, rendered, sourceMap));
                    }
                    continue;
                }
                var ignore = Globs.Compile(options.IgnorePaths);
                foreach (var file in Walk(path, diagnostics).Where(f => !ignore(Path.GetRelativePath(path, f))))
                {
                    texts.Add((file, d => ReadFile(file, d)));
                }
            }
            else if (File.Exists(path))
            {
                texts.Add((path, d => ReadFile(path, d)));
            }
            else
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(path, 0), "no such file or folder"));
            }
        }

        // Parsing is the bulk of the work and files are independent: parse them in parallel, keep input order.
        var results = new (List<Manifest> Manifests, List<InputDiagnostic> Diagnostics, HelmChart? Chart, bool Read, List<(string, MapNode)> Others)[texts.Count];
        var allOthers = new List<(string File, MapNode Root)>();
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var local = new List<InputDiagnostic>();
            var found = new List<Manifest>();
            var others = new List<(string, MapNode)>();
            HelmChart? chart = null;
            var text = texts[i].Read(local);
            if (text is not null && ChartMetadata.IsChartFile(texts[i].Name))
            {
                chart = ReadChart(texts[i].Name, text, local);
            }
            else if (text is not null)
            {
                ReadObjects(texts[i].Name, text, found, local, others);
            }
            results[i] = (found, local, chart, text is not null, others);
        });
        var charts = new List<HelmChart>();
        foreach (var (found, local, chart, read, others) in results)
        {
            allOthers.AddRange(others);
            manifests.AddRange(found);
            diagnostics.AddRange(local);
            files += read ? 1 : 0;
            if (chart is not null)
            {
                charts.Add(chart);
            }
        }
        foreach (var (name, text, map) in kustomized)
        {
            var found = new List<Manifest>();
            ReadObjects(name, text, found, diagnostics);
            foreach (var m in found)
            {
                // Objects that come from a file of the kustomization point at that file; generated ones stay rendered.
                manifests.Add(map.Map(m.Root) is var (root, location) ? new Manifest(root, location, options.DefaultNamespace) : m);
            }
            files++;
        }
        return new ManifestSet(manifests, diagnostics, files) { Others = allOthers, Charts = charts };
    }

    /// <summary>A Chart.yaml is chart metadata, not a Kubernetes object: it is read for its kubeVersion.</summary>
    private static HelmChart? ReadChart(string file, string text, List<InputDiagnostic> diagnostics)
    {
        var docs = YamlDocumentReader.Read(text, file, diagnostics);
        return docs.Count == 0 ? null : ChartMetadata.Read(docs[0].Root, file, diagnostics);
    }

    /// <summary>Turns the documents of one text into Kubernetes objects; `List` objects are unpacked.</summary>
    public void ReadObjects(string file, string text, List<Manifest> manifests, List<InputDiagnostic> diagnostics, List<(string, MapNode)>? others = null)
    {
        foreach (var doc in YamlDocumentReader.Read(text, file, diagnostics))
        {
            Add(doc.Root, file, manifests, diagnostics, others);
        }
    }

    private void Add(Node root, string file, List<Manifest> manifests, List<InputDiagnostic> diagnostics, List<(string, MapNode)>? others)
    {
        var location = new SourceLocation(file, root.Line);
        if (root is not MapNode map)
        {
            if (root is not ScalarNode { IsNull: true })
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Note, location, "document is not a mapping; skipped"));
            }
            return;
        }
        var kind = map.Str("kind");
        var apiVersion = map.Str("apiVersion");
        if (kind is null || apiVersion is null)
        {
            if (kind is null && apiVersion is not null)
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, location, $"object with apiVersion {apiVersion} has no kind; skipped"));
            }
            else
            {
                others?.Add((file, map));
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Note, location, "not a Kubernetes object (no apiVersion/kind); skipped"));
            }
            return;
        }
        if (kind == "List" || (kind.EndsWith("List", StringComparison.Ordinal) && map.List("items") is not null))
        {
            foreach (var item in map.List("items")?.Items ?? [])
            {
                Add(item, file, manifests, diagnostics, others);
            }
            return;
        }
        if (kind == "Kustomization")
        {
            return;
        }
        manifests.Add(new Manifest(map, location, options.DefaultNamespace));
    }

    private IEnumerable<string> Walk(string root, List<InputDiagnostic> diagnostics)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            string real;
            try
            {
                real = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(dir);
            }
            catch (IOException e)
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(dir, 0), $"cannot follow link: {e.Message}"));
                continue;
            }
            if (!visited.Add(real))
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, new SourceLocation(dir, 0), "folder already read (symlink loop or duplicate link); skipped"));
                continue;
            }
            string[] entries;
            try
            {
                entries = Directory.GetFileSystemEntries(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(dir, 0), $"cannot read folder: {e.Message}"));
                continue;
            }
            Array.Sort(entries, StringComparer.Ordinal);
            var subdirs = new List<string>();
            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                if (Directory.Exists(entry))
                {
                    if (name == "templates" && File.Exists(Path.Combine(dir, ChartMetadata.FileName)))
                    {
                        // Chart templates are Go templates, not YAML, until Helm renders them.
                        diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Note, new SourceLocation(entry, 0),
                            $"Helm chart templates are not read; render them and pass the output: helm template {dir} | faultline check -"));
                    }
                    else if (!name.StartsWith('.') && name != "node_modules")
                    {
                        subdirs.Add(entry);
                    }
                }
                else if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                    || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(entry);
                }
                else if (File.Exists(entry) || new FileInfo(entry).LinkTarget is not null)
                {
                    if (new FileInfo(entry).LinkTarget is not null && !File.Exists(entry) && !Directory.Exists(entry))
                    {
                        diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, new SourceLocation(entry, 0), "broken symlink; skipped"));
                    }
                }
            }
            for (var i = subdirs.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirs[i]);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private string? ReadFile(string path, List<InputDiagnostic> diagnostics)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Length > options.MaxFileBytes)
            {
                Report(diagnostics, path, $"file is {info.Length / (1024 * 1024)} MB, above the {options.MaxFileBytes / (1024 * 1024)} MB limit (--max-file-size); skipped");
                return null;
            }
            var bytes = File.ReadAllBytes(path);
            return Decode(bytes, path, diagnostics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(diagnostics, path, $"cannot read: {e.Message}");
            return null;
        }
    }

    private static void Report(List<InputDiagnostic> diagnostics, string path, string message)
    {
        diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(path, 0), message));
    }

    private string? ReadLimited(TextReader reader, string name, List<InputDiagnostic> diagnostics)
    {
        var buffer = new char[81920];
        var sb = new StringBuilder();
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            sb.Append(buffer, 0, n);
            if (sb.Length > options.MaxFileBytes)
            {
                Report(diagnostics, name, $"input is larger than the {options.MaxFileBytes / (1024 * 1024)} MB limit (--max-file-size); skipped");
                return null;
            }
        }
        var text = sb.ToString();
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            Report(diagnostics, name, "input is binary, not YAML or JSON; skipped");
            return null;
        }
        return text;
    }

    private static string? Decode(byte[] bytes, string path, List<InputDiagnostic> diagnostics)
    {
        var probe = bytes.AsSpan(0, Math.Min(bytes.Length, 8192));
        if (probe.Contains((byte)0))
        {
            Report(diagnostics, path, "file is binary (contains NUL bytes), not YAML or JSON; skipped");
            return null;
        }
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            Report(diagnostics, path, "file is not valid UTF-8 text; skipped");
            return null;
        }
    }

    private string? Kustomize(string dir, List<InputDiagnostic> diagnostics)
    {
        var location = new SourceLocation(Path.Combine(dir, "kustomization.yaml"), 0);
        var start = new ProcessStartInfo(options.Kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(dir);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location,
                $"this folder is a kustomization and rendering it needs kubectl on PATH ({e.Message}); install kubectl, or pass the rendered output: kubectl kustomize {dir} | faultline check -"));
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(options.KustomizeTimeout))
            {
                process.Kill(entireProcessTree: true);
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location, $"kubectl kustomize did not finish within {options.KustomizeTimeout.TotalSeconds:0}s; stopped"));
                return null;
            }
            if (process.ExitCode != 0)
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location, $"kubectl kustomize failed: {stderr.Result.Trim()}"));
                return null;
            }
            return stdout.Result;
        }
    }
}
