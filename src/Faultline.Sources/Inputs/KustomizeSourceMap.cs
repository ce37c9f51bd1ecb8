using Faultline.Core.Documents;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Inputs;

/// <summary>
/// Points objects rendered by `kubectl kustomize` back at the files they came from. Kustomize re-serialises every
/// object (keys sorted, namespace and labels added), so lines of the rendered text mean nothing to the user. Each
/// rendered object is matched by kind and name to an object of the kustomization's resources, and every node takes
/// the line of the node at the same path in that source (list items matched by their `name`, else by position);
/// nodes that only the rendering added take their parent's line. A value that a strategic-merge patch, an `images`
/// entry or a `replicas` entry of the kustomization (or of one of its bases) sets points at that patch or entry
/// instead, so an overlay's value is found in the overlay. Generated objects keep the rendered location.
/// </summary>
internal sealed class KustomizeSourceMap
{
    private static readonly string[] KustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    private readonly Dictionary<(string Kind, string Name), Manifest> _sources = new();

    // In the order kustomize applies them: a base's before its overlay's, so the last one that matches wins.
    private readonly List<Patch> _patches = [];
    private readonly List<Entry> _images = [];
    private readonly List<Entry> _replicas = [];
    private readonly string _namePrefix;
    private readonly string _nameSuffix;

    private KustomizeSourceMap(string namePrefix, string nameSuffix)
    {
        _namePrefix = namePrefix;
        _nameSuffix = nameSuffix;
    }

    /// <summary>A strategic-merge patch: the object it targets and its tree, written in <see cref="File"/>.</summary>
    private sealed record Patch(string Kind, string Name, MapNode Root, string File);

    /// <summary>An `images` or `replicas` entry of a kustomization file.</summary>
    private sealed record Entry(MapNode Node, string File);

    public static KustomizeSourceMap Build(string dir, ManifestLoader loader)
    {
        var top = ReadKustomization(dir, out _);
        var map = new KustomizeSourceMap(top?.Str("namePrefix") ?? "", top?.Str("nameSuffix") ?? "");
        map.AddFolder(dir, loader, new HashSet<string>(StringComparer.Ordinal), 0);
        return map;
    }

    private static MapNode? ReadKustomization(string dir, out string file)
    {
        foreach (var name in KustomizationNames)
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                file = Tidy(path);
                var docs = YamlDocumentReader.Read(File.ReadAllText(path), path, []);
                return docs.Count > 0 ? docs[0].Root as MapNode : null;
            }
        }
        file = "";
        return null;
    }

    private void AddFolder(string dir, ManifestLoader loader, HashSet<string> seen, int depth)
    {
        if (depth > 20 || !seen.Add(Path.GetFullPath(dir)))
        {
            return;
        }
        var kustomization = ReadKustomization(dir, out var kustomizationFile);
        var entries = new List<string>();
        foreach (var key in new[] { "resources", "bases", "components" })
        {
            entries.AddRange(kustomization?.List(key)?.Items.Select(i => i.Text).OfType<string>() ?? []);
        }
        foreach (var entry in entries)
        {
            if (entry.Contains("://", StringComparison.Ordinal))
            {
                continue; // remote bases are not on disk
            }
            var path = Tidy(Path.Combine(dir, entry));
            if (Directory.Exists(path))
            {
                AddFolder(path, loader, seen, depth + 1);
            }
            else if (File.Exists(path))
            {
                AddFile(path, loader);
            }
        }
        if (kustomization is null)
        {
            return;
        }
        // A folder's own patches and transformers apply after everything its resources brought in.
        foreach (var item in kustomization.List("patches")?.Items ?? [])
        {
            if (item is MapNode p)
            {
                var target = p.Map("target");
                if (p.Str("path") is { } file)
                {
                    AddPatchFile(Tidy(Path.Combine(dir, file)), target, loader);
                }
                else if (p["patch"] is ScalarNode inline)
                {
                    AddPatchText(inline.Value, kustomizationFile, inline.Line, target, loader);
                }
            }
        }
        foreach (var item in kustomization.List("patchesStrategicMerge")?.Items ?? [])
        {
            if (item is ScalarNode s && !s.Value.Contains('\n', StringComparison.Ordinal))
            {
                AddPatchFile(Tidy(Path.Combine(dir, s.Value)), null, loader);
            }
            else if (item is ScalarNode inline)
            {
                AddPatchText(inline.Value, kustomizationFile, inline.Line, null, loader);
            }
        }
        _images.AddRange(kustomization.Maps("images").Select(m => new Entry(m, kustomizationFile)));
        _replicas.AddRange(kustomization.Maps("replicas").Select(m => new Entry(m, kustomizationFile)));
    }

    /// <summary>"overlay/../base/x.yaml" as "base/x.yaml": relative to the working folder when inside it, else absolute.</summary>
    private static string Tidy(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    private void AddFile(string path, ManifestLoader loader)
    {
        var found = new List<Manifest>();
        try
        {
            loader.ReadObjects(path, File.ReadAllText(path), found, []);
        }
        catch (IOException)
        {
            return;
        }
        foreach (var m in found)
        {
            _sources.TryAdd((m.Kind, m.Name), m);
        }
    }

    private void AddPatchFile(string path, MapNode? target, ManifestLoader loader)
    {
        try
        {
            AddPatchText(File.ReadAllText(path), path, 1, target, loader);
        }
        catch (IOException)
        {
            // kubectl already said what is wrong with the kustomization; the value keeps its base line.
        }
    }

    /// <summary>Strategic-merge patches are objects; a JSON 6902 patch (a list of operations) is not mapped.</summary>
    private void AddPatchText(string text, string file, int firstLine, MapNode? target, ManifestLoader loader)
    {
        var found = new List<Manifest>();
        loader.ReadObjects(file, text, found, []);
        foreach (var m in found)
        {
            var root = firstLine > 1 ? (MapNode)Shift(m.Root, firstLine) : m.Root;
            _patches.Add(new Patch(target?.Str("kind") ?? m.Kind, target?.Str("name") ?? m.Name, root, file));
        }
    }

    /// <summary>An inline patch's lines count from its block scalar; moves them to lines of the kustomization.</summary>
    private static Node Shift(Node node, int scalarLine) => node switch
    {
        MapNode map => new MapNode(map.Line + scalarLine, map.Entries.Select(e => new KeyValuePair<string, Node>(e.Key, Shift(e.Value, scalarLine))).ToList()),
        ListNode list => new ListNode(list.Line + scalarLine, list.Items.Select(i => Shift(i, scalarLine)).ToList()),
        ScalarNode s => new ScalarNode(s.Line + scalarLine, s.Value, s.Quoted),
        _ => node,
    };

    /// <summary>The rendered object with the source's file and lines, or null when it has no source (generated).</summary>
    public (MapNode Root, SourceLocation Location)? Map(MapNode rendered)
    {
        var kind = rendered.Str("kind") ?? "";
        var name = rendered.Map("metadata")?.Str("name") ?? "";
        if (!_sources.TryGetValue((kind, name), out var source)
            && !_sources.TryGetValue((kind, Strip(name)), out source))
        {
            return null;
        }
        var layers = new List<(Node? Node, string File)> { (source.Root, source.Location.File) };
        layers.AddRange(_patches.Where(p => p.Kind == kind && (p.Name == source.Name || p.Name == name)).Select(p => ((Node?)p.Root, p.File)));
        var context = new RemapContext(source.Location.File, source.Name, kind);
        var root = (MapNode)Remap(rendered, layers, (source.Root.Line, source.Location.File), [], context);
        return (root, source.Location);
    }

    private string Strip(string name)
    {
        if (_namePrefix.Length > 0 && name.StartsWith(_namePrefix, StringComparison.Ordinal))
        {
            name = name[_namePrefix.Length..];
        }
        if (_nameSuffix.Length > 0 && name.EndsWith(_nameSuffix, StringComparison.Ordinal))
        {
            name = name[..^_nameSuffix.Length];
        }
        return name;
    }

    private sealed record RemapContext(string ManifestFile, string SourceName, string Kind);

    private Node Remap(Node rendered, IReadOnlyList<(Node? Node, string File)> layers, (int Line, string File) fallback, IReadOnlyList<string> path, RemapContext context)
    {
        var at = fallback;
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i].Node is { } n)
            {
                at = (n.Line, layers[i].File);
                break;
            }
        }
        if (rendered is ScalarNode valueNode && Transformer(valueNode, layers[0].Node, path, context) is { } entry)
        {
            at = entry;
        }
        var file = at.File == context.ManifestFile ? null : at.File;
        switch (rendered)
        {
            case MapNode map:
            {
                var entries = map.Entries.Select(e => new KeyValuePair<string, Node>(e.Key,
                    Remap(e.Value, layers.Select(l => ((l.Node as MapNode)?[e.Key], l.File)).ToList(), at, [.. path, e.Key], context))).ToList();
                return new MapNode(at.Line, entries) { File = file };
            }
            case ListNode list:
            {
                var items = new List<Node>(list.Items.Count);
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var item = list.Items[i];
                    var itemName = (item as MapNode)?.Str("name");
                    var index = i;
                    var matches = layers.Select(l => (Match((l.Node as ListNode)?.Items ?? [], itemName, index), l.File)).ToList();
                    items.Add(Remap(item, matches, at, [.. path, itemName ?? "#"], context));
                }
                return new ListNode(at.Line, items) { File = file };
            }
            case ScalarNode scalar:
                return new ScalarNode(at.Line, scalar.Value, scalar.Quoted) { File = file };
            default:
                return rendered;
        }

        static Node? Match(IReadOnlyList<Node> source, string? name, int index) => name is not null
            ? source.OfType<MapNode>().FirstOrDefault(s => s.Str("name") == name)
            : index < source.Count ? source[index] : null;
    }

    /// <summary>The `images` or `replicas` entry that set this value, when there is one.</summary>
    private (int Line, string File)? Transformer(ScalarNode rendered, Node? source, IReadOnlyList<string> path, RemapContext context)
    {
        if (path.Count >= 3 && path[^1] == "image" && path[^3] is "containers" or "initContainers")
        {
            var original = SourceScalar(source, path) ?? rendered.Value;
            var renderedName = ImageName(rendered.Value);
            for (var i = _images.Count - 1; i >= 0; i--)
            {
                var e = _images[i].Node;
                if (e.Str("name") is { } name && (name == ImageName(original) || (e.Str("newName") ?? name) == renderedName))
                {
                    var line = (e["digest"] ?? e["newTag"] ?? e["newName"] ?? e).Line;
                    return (line, _images[i].File);
                }
            }
        }
        else if (path is ["spec", "replicas"])
        {
            for (var i = _replicas.Count - 1; i >= 0; i--)
            {
                var e = _replicas[i].Node;
                if (e.Str("name") is { } name && (name == context.SourceName || Strip(name) == context.SourceName))
                {
                    return ((e["count"] ?? e).Line, _replicas[i].File);
                }
            }
        }
        return null;
    }

    private static string? SourceScalar(Node? node, IReadOnlyList<string> path)
    {
        foreach (var step in path)
        {
            node = node switch
            {
                MapNode map => map[step],
                ListNode list when step != "#" => list.Items.OfType<MapNode>().FirstOrDefault(m => m.Str("name") == step),
                _ => null,
            };
        }
        return (node as ScalarNode)?.Value;
    }

    /// <summary>"ghcr.io/a/b:1.2@sha256:..." as "ghcr.io/a/b": what an `images` entry's name matches.</summary>
    private static string ImageName(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }
}
