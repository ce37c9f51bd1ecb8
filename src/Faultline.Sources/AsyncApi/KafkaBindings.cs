using System.Text;
using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;

namespace Faultline.Sources.AsyncApi;

/// <summary>
/// Reads the Kafka bindings of AsyncAPI 2.x and 3.x: the channel binding's <c>topic</c> and <c>partitions</c>, and
/// the message binding's <c>key</c> schema. The key is a payload field when the key schema says which one: its
/// <c>x-faultline-field</c> (a dotted payload path), else a <c>$ref</c> that ends in <c>properties/NAME</c> of a
/// schema the payload has that field in, else a <c>title</c> that is the name of a top-level payload property.
/// Otherwise only its canonical text is known, which still tells whether the key changed.
/// </summary>
internal static class KafkaBindings
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "description", "summary", "title", "example", "examples", "deprecated", "externalDocs", "$comment",
    };

    /// <summary>The channel's Kafka binding: the topic name it gives (if any) and the partition count (if any).</summary>
    public static (string? Topic, int? Partitions, SourceLocation? PartitionsAt) Channel(SpecFiles files, string file, MapNode channel)
    {
        if (Kafka(files, file, channel) is not { } kafka)
        {
            return (null, null, null);
        }
        var partitions = kafka.Node.Int("partitions");
        return (kafka.Node.Str("topic"), partitions, partitions is null ? null : new SourceLocation(kafka.File, kafka.Node["partitions"]!.Line));
    }

    /// <summary>The message binding's key schema node (not followed, so a $ref in it can still be read) and its file.</summary>
    public static (string File, Node Key)? MessageKey(SpecFiles files, string file, MapNode message) =>
        Kafka(files, file, message) is { } kafka && kafka.Node["key"] is { } key ? (kafka.File, key) : null;

    /// <summary>The payload field the key is, when the key schema says so; null when it does not.</summary>
    public static string? KeyField(SpecFiles files, string file, Node key, ApiSchema? payload)
    {
        var resolved = files.Resolve(file, key)?.Node as MapNode;
        if (((key as MapNode)?.Str("x-faultline-field") ?? resolved?.Str("x-faultline-field")) is { } named)
        {
            return named;
        }
        if (SpecFiles.RefOf(key) is { } reference && PropertyPath(reference) is { } path && payload is not null && HasProperty(payload, path))
        {
            return path;
        }
        if (resolved?.Str("title") is { } title && payload is not null && payload.Properties.ContainsKey(title))
        {
            return title;
        }
        return null;
    }

    /// <summary>
    /// The key schema as compact JSON with $refs followed, keys sorted and annotations (description, title,
    /// examples, x-*) left out, so only a change of what the key is shows as a difference.
    /// </summary>
    public static string Canonical(SpecFiles files, string file, Node key)
    {
        var sb = new StringBuilder();
        Write(sb, files, file, key, 0);
        return sb.ToString();
    }

    private static (string File, MapNode Node)? Kafka(SpecFiles files, string file, MapNode owner)
    {
        if (owner["bindings"] is not { } bindingsNode || files.Resolve(file, bindingsNode) is not { Node: MapNode bindings } b)
        {
            return null;
        }
        return bindings["kafka"] is { } kafkaNode && files.Resolve(b.File, kafkaNode) is { Node: MapNode kafka } k ? (k.File, kafka) : null;
    }

    /// <summary>"#/components/messages/Order/payload/properties/orderId" as "orderId"; nested properties joined by dots.</summary>
    private static string? PropertyPath(string reference)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            return null;
        }
        var segments = reference[(hash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        if (segments.Length < 2 || segments[^2] != "properties")
        {
            return null;
        }
        var names = new List<string>();
        for (var i = 0; i + 1 < segments.Length; i++)
        {
            if (segments[i] == "properties")
            {
                names.Add(segments[++i]);
            }
        }
        return string.Join('.', names);
    }

    /// <summary>True when the payload declares the dotted property path (a free-form payload does not count).</summary>
    private static bool HasProperty(ApiSchema payload, string path)
    {
        var schema = payload;
        foreach (var name in path.Split('.'))
        {
            var next = schema.Properties.GetValueOrDefault(name) ?? schema.AllOf.Select(a => a.Properties.GetValueOrDefault(name)).FirstOrDefault(p => p is not null);
            if (next is null)
            {
                return false;
            }
            schema = next;
        }
        return true;
    }

    private static void Write(StringBuilder sb, SpecFiles files, string file, Node node, int depth)
    {
        if (depth > 16)
        {
            sb.Append("{}");
            return;
        }
        if (SpecFiles.RefOf(node) is { } reference)
        {
            if (files.Resolve(file, node) is { } target)
            {
                Write(sb, files, target.File, target.Node, depth + 1);
            }
            else
            {
                sb.Append("{\"$ref\":").Append(System.Text.Json.JsonSerializer.Serialize(reference)).Append('}');
            }
            return;
        }
        switch (node)
        {
            case MapNode map:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in map.Entries.Where(e => !Annotations.Contains(e.Key) && !e.Key.StartsWith("x-", StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    sb.Append(first ? "" : ",").Append(System.Text.Json.JsonSerializer.Serialize(key)).Append(':');
                    Write(sb, files, file, value, depth + 1);
                    first = false;
                }
                sb.Append('}');
                break;
            case ListNode list:
                sb.Append('[');
                for (var i = 0; i < list.Items.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ",");
                    Write(sb, files, file, list.Items[i], depth + 1);
                }
                sb.Append(']');
                break;
            default:
                sb.Append(SchemaBuilder.JsonText(node));
                break;
        }
    }
}
