using System.Globalization;
using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Sources.OpenApi;

/// <summary>
/// Turns schema nodes into <see cref="ApiSchema"/>s. Every schema node becomes exactly one instance, so a
/// schema reached through several <c>$ref</c>s is shared and a recursive schema points back at itself. Instances
/// are created when first named and filled later from a queue (<see cref="Drain"/>): nothing recurses across
/// <c>$ref</c>s, so a long chain of references cannot exhaust the stack.
/// </summary>
internal sealed class SchemaBuilder(SpecFiles files)
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$ref", "description", "summary", "title", "example", "examples", "deprecated", "externalDocs", "$comment",
        "xml", "discriminator",
    };

    private readonly Dictionary<Node, ApiSchema> _built = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<(ApiSchema Schema, MapNode Node, string File)> _pending = new();

    /// <summary>
    /// The schema a node describes (a $ref is followed), or null when the node is absent. A broken reference
    /// gives an empty schema (anything goes) that remembers the $ref; the problem is already reported.
    /// </summary>
    public ApiSchema? Schema(Node? node, string file)
    {
        switch (node)
        {
            case null:
                return null;
            case ScalarNode { Value: "false" }:
                return null;
            case MapNode map when SpecFiles.RefOf(map) is { } reference:
                if (HasConstraintsBesideRef(map))
                {
                    // Keywords beside a $ref (3.1, and a common 3.0 habit: nullable: true) add to what it names.
                    return Shared(map, file);
                }
                return Referenced(map, file, reference);
            case MapNode map:
                return Shared(map, file);
            default:
                return new ApiSchema { Location = new SourceLocation(file, node.Line) };
        }
    }

    /// <summary>Fills every schema created so far, and those they name in turn.</summary>
    public void Drain()
    {
        while (_pending.TryDequeue(out var item))
        {
            Fill(item.Schema, item.Node, item.File);
        }
    }

    private ApiSchema Referenced(MapNode map, string file, string reference)
    {
        if (files.Resolve(file, map) is not { } target)
        {
            return new ApiSchema { Ref = reference, Location = new SourceLocation(file, map.Line) };
        }
        if (target.Node is not MapNode targetMap)
        {
            return Schema(target.Node, target.File) ?? new ApiSchema { Ref = reference, Location = new SourceLocation(target.File, target.Node.Line) };
        }
        var schema = Shared(targetMap, target.File);
        schema.Ref ??= reference;
        return schema;
    }

    private ApiSchema Shared(MapNode map, string file)
    {
        if (_built.TryGetValue(map, out var existing))
        {
            return existing;
        }
        var schema = new ApiSchema { Location = new SourceLocation(file, map.Line) };
        _built[map] = schema;
        _pending.Enqueue((schema, map, file));
        return schema;
    }

    private static bool HasConstraintsBesideRef(MapNode map)
    {
        foreach (var (key, _) in map.Entries)
        {
            if (!Annotations.Contains(key) && !key.StartsWith("x-", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private void Fill(ApiSchema schema, MapNode map, string file)
    {
        List<string>? types = null;
        var allOf = new List<ApiSchema>();
        List<ApiSchema>? oneOf = null;
        List<ApiSchema>? anyOf = null;
        decimal? exclusiveMaximum = null;
        decimal? exclusiveMinimum = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key)
            {
                case "$ref":
                    if (value is ScalarNode { Value: var reference })
                    {
                        allOf.Insert(0, Referenced(map, file, reference));
                    }
                    break;
                case "type":
                    types = value switch
                    {
                        ScalarNode s when !s.IsNull => [s.Value],
                        ListNode l => [.. l.Items.OfType<ScalarNode>().Select(i => i.Value)],
                        _ => types,
                    };
                    break;
                case "nullable" or "x-nullable":
                    schema.Nullable |= IsTrue(value);
                    break;
                case "format":
                    schema.Format = Text(value);
                    break;
                case "pattern":
                    schema.Pattern = Text(value);
                    break;
                case "readOnly":
                    schema.ReadOnly = IsTrue(value);
                    break;
                case "writeOnly":
                    schema.WriteOnly = IsTrue(value);
                    break;
                case "enum":
                    if (value is ListNode values)
                    {
                        schema.Enum = [.. values.Items.Select(JsonText)];
                    }
                    break;
                case "const":
                    schema.Enum = [JsonText(value)];
                    break;
                case "maximum":
                    schema.Maximum = Number(value);
                    break;
                case "minimum":
                    schema.Minimum = Number(value);
                    break;
                case "exclusiveMaximum":
                    // 3.0: a flag on maximum; 3.1: the bound itself.
                    if (IsTrue(value))
                    {
                        schema.ExclusiveMaximum = true;
                    }
                    else
                    {
                        exclusiveMaximum = Number(value);
                    }
                    break;
                case "exclusiveMinimum":
                    if (IsTrue(value))
                    {
                        schema.ExclusiveMinimum = true;
                    }
                    else
                    {
                        exclusiveMinimum = Number(value);
                    }
                    break;
                case "maxLength":
                    schema.MaxLength = Integer(value);
                    break;
                case "minLength":
                    schema.MinLength = Integer(value);
                    break;
                case "maxItems":
                    schema.MaxItems = Integer(value);
                    break;
                case "minItems":
                    schema.MinItems = Integer(value);
                    break;
                case "properties":
                    if (value is MapNode properties)
                    {
                        var result = new Dictionary<string, ApiSchema>(properties.Entries.Count, StringComparer.Ordinal);
                        foreach (var (name, propertyNode) in properties.Entries)
                        {
                            result[name] = Schema(propertyNode, file) ?? new ApiSchema { Location = new SourceLocation(file, propertyNode.Line) };
                        }
                        schema.Properties = result;
                    }
                    break;
                case "required":
                    if (value is ListNode required)
                    {
                        schema.Required = required.Items.OfType<ScalarNode>().Select(s => s.Value).ToHashSet(StringComparer.Ordinal);
                    }
                    break;
                case "items":
                    schema.Items = value is ListNode tuple ? Schema(tuple.Items.FirstOrDefault(), file) : Schema(value, file);
                    break;
                case "additionalProperties":
                    schema.AdditionalProperties = value is ScalarNode { Value: "true" } ? new ApiSchema { Location = new SourceLocation(file, value.Line) } : Schema(value, file);
                    break;
                case "allOf":
                    allOf.AddRange(List(value, file));
                    break;
                case "oneOf":
                    oneOf = List(value, file);
                    break;
                case "anyOf":
                    anyOf = List(value, file);
                    break;
            }
        }
        if (types is not null)
        {
            if (types.Remove("null"))
            {
                schema.Nullable = true;
                if (types.Count == 0)
                {
                    types.Add("null");
                }
            }
            schema.Types = types;
        }
        ApplyExclusiveBounds(schema, exclusiveMaximum, exclusiveMinimum);
        schema.OneOf = WithoutNull(schema, oneOf, map, "oneOf", allOf);
        schema.AnyOf = WithoutNull(schema, anyOf, map, "anyOf", allOf);
        schema.AllOf = allOf;
    }

    private static void ApplyExclusiveBounds(ApiSchema schema, decimal? exclusiveMaximum, decimal? exclusiveMinimum)
    {
        if (exclusiveMaximum is { } max && (schema.Maximum is null || max <= schema.Maximum))
        {
            schema.Maximum = max;
            schema.ExclusiveMaximum = true;
        }
        if (exclusiveMinimum is { } min && (schema.Minimum is null || min >= schema.Minimum))
        {
            schema.Minimum = min;
            schema.ExclusiveMinimum = true;
        }
    }

    /// <summary>
    /// "oneOf: [{type: 'null'}, {$ref: X}]" is how 3.1 writes a nullable reference: the null branch becomes
    /// <see cref="ApiSchema.Nullable"/>, and a single branch left over is merged like an allOf part.
    /// </summary>
    private static List<ApiSchema> WithoutNull(ApiSchema schema, List<ApiSchema>? variants, MapNode map, string key, List<ApiSchema> allOf)
    {
        if (variants is null || map.List(key) is not { } nodes || nodes.Items.Count != variants.Count)
        {
            return variants ?? [];
        }
        var kept = new List<ApiSchema>(variants.Count);
        var sawNull = false;
        for (var i = 0; i < variants.Count; i++)
        {
            if (nodes.Items[i] is MapNode m && m.Entries.Count == 1 && m.Str("type") == "null")
            {
                sawNull = true;
            }
            else
            {
                kept.Add(variants[i]);
            }
        }
        if (!sawNull)
        {
            return variants;
        }
        schema.Nullable = true;
        if (kept.Count == 1)
        {
            allOf.Add(kept[0]);
            return [];
        }
        return kept;
    }

    private List<ApiSchema> List(Node value, string file)
    {
        var result = new List<ApiSchema>();
        if (value is ListNode list)
        {
            foreach (var item in list.Items)
            {
                if (Schema(item, file) is { } s)
                {
                    result.Add(s);
                }
            }
        }
        return result;
    }

    private static bool IsTrue(Node value) => value is ScalarNode { Value: "true" or "True" or "TRUE" };

    private static string? Text(Node value) => value is ScalarNode s && !s.IsNull ? s.Value : null;

    private static decimal? Number(Node value) =>
        value is ScalarNode s && decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static int? Integer(Node value) => Number(value) is { } d && d >= 0 && d <= int.MaxValue ? (int)d : null;

    /// <summary>A scalar as JSON text: quoted YAML, or plain text that is not a number, boolean or null, is a string.</summary>
    internal static string JsonText(Node value)
    {
        if (value is not ScalarNode s)
        {
            return value is ListNode ? "[...]" : "{...}";
        }
        if (!s.Quoted)
        {
            if (s.IsNull)
            {
                return "null";
            }
            if (s.Value is "true" or "false")
            {
                return s.Value;
            }
            if (decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return s.Value;
            }
        }
        return "\"" + s.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
