using Faultline.Core.Documents;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Inputs;

/// <summary>
/// Points objects rendered by `kubectl kustomize` back at the files they came from. Kustomize re-serialises every
/// object (keys sorted, namespace and labels added), so lines of the rendered text mean nothing to the user. Each
/// rendered object is matched by kind and name to an object of the kustomization's resources, and every node takes
/// the line of the node at the same path in that source (list items matched by their `name`, else by position);
/// nodes that only the rendering added take their parent's line. Generated objects keep the rendered location.
/// </summary>
internal sealed class KustomizeSourceMap
{
    private readonly Dictionary<(string Kind, string Name), Manifest> _sources = new();
    private readonly string _namePrefix;
    private readonly string _nameSuffix;

    private KustomizeSourceMap(string namePrefix, string nameSuffix)
    {
        _namePrefix = namePrefix;
        _nameSuffix = nameSuffix;
    }

    public static KustomizeSourceMap Build(string dir, ManifestLoader loader)
    {
        var top = ReadKustomization(dir);
        var map = new KustomizeSourceMap(top?.Str("namePrefix") ?? "", top?.Str("nameSuffix") ?? "");
        map.AddFolder(dir, loader, new HashSet<string>(StringComparer.Ordinal), 0);
        return map;
    }

    private static MapNode? ReadKustomization(string dir)
    {
        foreach (var name in new[] { "kustomization.yaml", "kustomization.yml", "Kustomization" })
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                var docs = YamlDocumentReader.Read(File.ReadAllText(path), path, []);
                return docs.Count > 0 ? docs[0].Root as MapNode : null;
            }
        }
        return null;
    }

    private void AddFolder(string dir, ManifestLoader loader, HashSet<string> seen, int depth)
    {
        if (depth > 20 || !seen.Add(Path.GetFullPath(dir)))
        {
            return;
        }
        var kustomization = ReadKustomization(dir);
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
        var root = (MapNode)Remap(rendered, source.Root, source.Root.Line);
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

    private static Node Remap(Node rendered, Node? source, int fallbackLine)
    {
        var line = source?.Line ?? fallbackLine;
        switch (rendered)
        {
            case MapNode map:
            {
                var sourceMap = source as MapNode;
                var entries = map.Entries.Select(e => new KeyValuePair<string, Node>(e.Key, Remap(e.Value, sourceMap?[e.Key], line))).ToList();
                return new MapNode(line, entries);
            }
            case ListNode list:
            {
                var sourceList = (source as ListNode)?.Items ?? [];
                var items = new List<Node>(list.Items.Count);
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var item = list.Items[i];
                    var itemName = (item as MapNode)?.Str("name");
                    var match = itemName is not null
                        ? sourceList.OfType<MapNode>().FirstOrDefault(s => s.Str("name") == itemName)
                        : i < sourceList.Count ? sourceList[i] : null;
                    items.Add(Remap(item, match, line));
                }
                return new ListNode(line, items);
            }
            case ScalarNode scalar:
                return new ScalarNode(line, scalar.Value, scalar.Quoted);
            default:
                return rendered;
        }
    }
}
