using Faultline.Core.Documents;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.OpenApi;

/// <summary>A node and the file it was read from; $refs inside it are relative to that file.</summary>
internal readonly record struct Located(string File, Node Node);

/// <summary>
/// The files one spec is made of: each is read and parsed once, and <c>$ref</c>s are resolved across them, within
/// a file ("#/components/schemas/X") and to sibling files ("common.yaml#/components/schemas/X", relative to the
/// referring file). A reference that cannot be followed is reported once with the file and line of the
/// <c>$ref</c> and resolves to null; nothing here throws on bad input.
/// </summary>
internal sealed class SpecFiles(Func<string, string?> readFile, List<InputDiagnostic> diagnostics)
{
    private readonly Dictionary<string, Node?> _documents = new(StringComparer.Ordinal);
    private readonly HashSet<Node> _reported = new(ReferenceEqualityComparer.Instance);

    public List<InputDiagnostic> Diagnostics => diagnostics;

    /// <summary>The root node of a file, parsed once; null (reported) when it cannot be read or parsed.</summary>
    public Node? Load(string file, SourceLocation? referencedFrom = null)
    {
        if (_documents.TryGetValue(file, out var cached))
        {
            return cached;
        }
        Node? root = null;
        var text = readFile(file);
        if (text is null)
        {
            var where = referencedFrom ?? new SourceLocation(file, 0);
            var what = referencedFrom is null ? $"cannot read '{file}'" : $"$ref names '{file}', which cannot be read";
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, where, what));
        }
        else
        {
            var documents = YamlDocumentReader.Read(text, file, diagnostics);
            if (documents.Count > 0)
            {
                root = documents[0].Root;
            }
            else if (!diagnostics.Any(d => d.Location.File == file))
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, 1), "the file holds no document"));
            }
        }
        _documents[file] = root;
        return root;
    }

    /// <summary>
    /// Follows the <c>$ref</c> of <paramref name="node"/> (and of whatever it names, while that is again a bare
    /// <c>$ref</c>) to the node it finally names. A node without <c>$ref</c> is returned as it is. Null when the
    /// reference is broken or the chain runs in a circle; both are reported at the <c>$ref</c>'s line.
    /// </summary>
    public Located? Resolve(string file, Node node)
    {
        var current = new Located(file, node);
        List<string>? chain = null;
        while (RefOf(current.Node) is { } reference)
        {
            var target = Follow(current.File, reference, current.Node);
            if (target is null)
            {
                return null;
            }
            chain ??= [];
            var key = target.Value.Key;
            if (chain.Contains(key))
            {
                chain.Add(key);
                Report(current.Node, DiagnosticLevel.Error, new SourceLocation(current.File, current.Node.Line),
                    $"$ref cycle that never reaches a definition: {string.Join(" -> ", chain)}");
                return null;
            }
            chain.Add(key);
            current = target.Value.Located;
        }
        return current;
    }

    /// <summary>The text of a node's <c>$ref</c>, or null when it has none.</summary>
    public static string? RefOf(Node node) => node is MapNode map && map["$ref"] is ScalarNode { Value: var v } ? v : null;

    private (Located Located, string Key)? Follow(string file, string reference, Node at)
    {
        var location = new SourceLocation(file, at.Line);
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var filePart = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        if (filePart.Contains("://", StringComparison.Ordinal))
        {
            Report(at, DiagnosticLevel.Warning, location, $"$ref '{reference}' names a remote document, which is not fetched");
            return null;
        }
        var targetFile = filePart.Length == 0 ? file : Combine(file, filePart);
        var root = Load(targetFile, location);
        if (root is null)
        {
            return null;
        }
        var target = Walk(root, pointer);
        if (target is null)
        {
            var inFile = filePart.Length == 0 ? "this file" : $"'{targetFile}'";
            Report(at, DiagnosticLevel.Error, location, $"broken $ref '{reference}': {inFile} has nothing at '#{pointer}'");
            return null;
        }
        return (new Located(targetFile, target), targetFile + "#" + pointer);
    }

    private void Report(Node at, DiagnosticLevel level, SourceLocation location, string message)
    {
        if (_reported.Add(at))
        {
            diagnostics.Add(new InputDiagnostic(level, location, message));
        }
    }

    /// <summary>Walks a JSON pointer ("/components/schemas/a~1b"); null when a step is missing.</summary>
    internal static Node? Walk(Node root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return root;
        }
        if (pointer[0] != '/')
        {
            return null;
        }
        var node = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                MapNode map => map[segment],
                ListNode list when int.TryParse(segment, out var i) && i >= 0 && i < list.Items.Count => list.Items[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>
    /// The path of <paramref name="relative"/> seen from the folder of <paramref name="referringFile"/>, with "."
    /// and ".." folded away but otherwise as the user named it (a relative input stays relative).
    /// </summary>
    internal static string Combine(string referringFile, string relative)
    {
        relative = Uri.UnescapeDataString(relative);
        if (Path.IsPathRooted(relative))
        {
            return Normalize(relative);
        }
        var slash = Math.Max(referringFile.LastIndexOf('/'), referringFile.LastIndexOf('\\'));
        return Normalize(slash < 0 ? relative : referringFile[..(slash + 1)] + relative);
    }

    private static string Normalize(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', '\\'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !rooted)
            {
                parts.Add(part);
            }
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined;
    }
}
