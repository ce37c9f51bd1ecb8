namespace Faultline.Core.Documents;

/// <summary>A node of a parsed YAML or JSON document, with the line it starts on (1-based).</summary>
public abstract class Node
{
    protected Node(int line) => Line = line;

    public int Line { get; }

    /// <summary>The file the node was written in, when it is not the file of its document (a kustomize patch).</summary>
    public string? File { get; init; }

    /// <summary>The scalar text, or null for maps and lists.</summary>
    public virtual string? Text => null;

    public MapNode? AsMap => this as MapNode;

    public ListNode? AsList => this as ListNode;
}

public sealed class ScalarNode(int line, string value, bool quoted) : Node(line)
{
    public string Value { get; } = value;

    /// <summary>True when the source quoted the value, so "1" stays a string.</summary>
    public bool Quoted { get; } = quoted;

    public override string Text => Value;

    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed class ListNode(int line, IReadOnlyList<Node> items) : Node(line)
{
    public IReadOnlyList<Node> Items { get; } = items;
}

public sealed class MapNode(int line, IReadOnlyList<KeyValuePair<string, Node>> entries) : Node(line)
{
    public IReadOnlyList<KeyValuePair<string, Node>> Entries { get; } = entries;

    /// <summary>The value of a key; the last one wins when a key repeats, as in most YAML loaders.</summary>
    public Node? this[string key]
    {
        get
        {
            for (var i = Entries.Count - 1; i >= 0; i--)
            {
                if (Entries[i].Key == key)
                {
                    return Entries[i].Value;
                }
            }
            return null;
        }
    }

    public MapNode? Map(string key) => this[key] as MapNode;

    public ListNode? List(string key) => this[key] as ListNode;

    public string? Str(string key) => this[key] is ScalarNode s && !s.IsNull ? s.Value : null;

    public int? Int(string key) =>
        Str(key) is { } s && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    public bool? Bool(string key) => Str(key) switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    public IEnumerable<MapNode> Maps(string key) => List(key)?.Items.OfType<MapNode>() ?? [];

    /// <summary>A map of string to string (labels, selectors, ConfigMap data).</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var map = Map(key);
        if (map is null)
        {
            return Empty;
        }
        var result = new Dictionary<string, string>(map.Entries.Count, StringComparer.Ordinal);
        foreach (var (k, v) in map.Entries)
        {
            if (v is ScalarNode s)
            {
                result[k] = s.Value;
            }
        }
        return result;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
