namespace Faultline.Core.Contracts;

/// <summary>
/// What a schema means once its allOf parts are merged into it: the union of properties and required names, the
/// tightest bounds, the types and format of the first part that names them. A schema without allOf is its own
/// view. Views are cached per instance, so a view of a shared schema is shared too, and a cycle through allOf
/// stops at the schema already being merged.
/// </summary>
internal sealed class SchemaViews
{
    private const int MaxDepth = 64;

    private static readonly IReadOnlyList<string> Empty = [];

    private readonly Dictionary<ApiSchema, ApiSchema> _views = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ApiSchema, IReadOnlyList<string>> _types = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<ApiSchema> _merging = new(ReferenceEqualityComparer.Instance);

    private readonly Dictionary<ApiSchema, ApiSchema> _unions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ApiSchema, ApiSchema> _nullable = new(ReferenceEqualityComparer.Instance);

    public ApiSchema View(ApiSchema schema) => View(schema, 0);

    /// <summary>A schema that is nothing but oneOf/anyOf branches, with no type or properties of its own.</summary>
    public static bool IsPureUnion(ApiSchema view) =>
        (view.OneOf.Count > 0 || view.AnyOf.Count > 0) && view.Properties.Count == 0 && view.Types.Count == 0 && view.Items is null
        && view.AdditionalProperties is null;

    /// <summary>
    /// What a value of a pure union may look like, as one schema: the types and properties of every branch (a
    /// property defined by several branches becomes an anyOf of their definitions), required only what every
    /// branch requires, enum values only when every branch has them.
    /// </summary>
    public ApiSchema UnionView(ApiSchema view)
    {
        if (_unions.TryGetValue(view, out var union))
        {
            return union;
        }
        var branches = Variants(view).Select(v => View(v)).ToList();
        var properties = new Dictionary<string, List<ApiSchema>>(StringComparer.Ordinal);
        HashSet<string>? required = null;
        var items = new List<ApiSchema>();
        var additional = new List<ApiSchema>();
        List<string>? values = [];
        var formats = new HashSet<string?>();
        union = new ApiSchema
        {
            Types = Types(view),
            Nullable = view.Nullable,
            ReadOnly = view.ReadOnly,
            WriteOnly = view.WriteOnly,
            Ref = view.Ref,
            Location = view.Location,
        };
        foreach (var branch in branches)
        {
            union.Nullable |= branch.Nullable;
            foreach (var (name, property) in branch.Properties)
            {
                if (!properties.TryGetValue(name, out var list))
                {
                    properties[name] = list = [];
                }
                if (!list.Contains(property))
                {
                    list.Add(property);
                }
            }
            if (required is null)
            {
                required = new HashSet<string>(branch.Required, StringComparer.Ordinal);
            }
            else
            {
                required.IntersectWith(branch.Required);
            }
            AddDistinct(items, branch.Items);
            AddDistinct(additional, branch.AdditionalProperties);
            values = branch.Enum is null || values is null ? null : [.. values.Union(branch.Enum)];
            formats.Add(branch.Format);
        }
        union.Properties = properties.ToDictionary(p => p.Key, p => AnyOf(p.Value), StringComparer.Ordinal);
        union.Required = (IReadOnlySet<string>?)required ?? new HashSet<string>();
        union.Items = items.Count == 0 ? null : AnyOf(items);
        union.AdditionalProperties = additional.Count == 0 ? null : AnyOf(additional);
        union.Enum = branches.Count == 0 ? view.Enum : values;
        union.Format = view.Format ?? (formats.Count == 1 ? formats.First() : null);
        _unions[view] = union;
        return union;
    }

    /// <summary>The view of a schema with null allowed too; the same instance each time.</summary>
    public ApiSchema AsNullable(ApiSchema schema)
    {
        var view = View(schema);
        if (view.Nullable)
        {
            return view;
        }
        if (!_nullable.TryGetValue(view, out var copy))
        {
            copy = new ApiSchema
            {
                Types = view.Types, Format = view.Format, Nullable = true, Properties = view.Properties, Required = view.Required,
                Items = view.Items, AdditionalProperties = view.AdditionalProperties, OneOf = view.OneOf, AnyOf = view.AnyOf,
                Enum = view.Enum, Maximum = view.Maximum, Minimum = view.Minimum, ExclusiveMaximum = view.ExclusiveMaximum,
                ExclusiveMinimum = view.ExclusiveMinimum, MaxLength = view.MaxLength, MinLength = view.MinLength,
                MaxItems = view.MaxItems, MinItems = view.MinItems, Pattern = view.Pattern, ReadOnly = view.ReadOnly,
                WriteOnly = view.WriteOnly, Ref = view.Ref, Location = view.Location,
            };
            _nullable[view] = copy;
        }
        return copy;
    }

    private static void AddDistinct(List<ApiSchema> list, ApiSchema? schema)
    {
        if (schema is not null && !list.Contains(schema))
        {
            list.Add(schema);
        }
    }

    private static ApiSchema AnyOf(List<ApiSchema> schemas) =>
        schemas.Count == 1 ? schemas[0] : new ApiSchema { AnyOf = schemas, Ref = schemas[0].Ref, Location = schemas[0].Location };

    /// <summary>The oneOf and anyOf branches of a view; both are "one of these shapes" to a reader of the value.</summary>
    public static IReadOnlyList<ApiSchema> Variants(ApiSchema view) =>
        view.AnyOf.Count == 0 ? view.OneOf : view.OneOf.Count == 0 ? view.AnyOf : [.. view.OneOf, .. view.AnyOf];

    /// <summary>
    /// The types a value may have: those declared, else those of the branches, else what the keywords imply
    /// (properties: an object, items: an array); empty when anything goes.
    /// </summary>
    public IReadOnlyList<string> Types(ApiSchema view) => Types(view, 0);

    private IReadOnlyList<string> Types(ApiSchema view, int depth)
    {
        if (view.Types.Count > 0)
        {
            return view.Types;
        }
        if (_types.TryGetValue(view, out var cached))
        {
            return cached;
        }
        IReadOnlyList<string> result = Empty;
        var variants = Variants(view);
        if (variants.Count > 0 && depth < 8)
        {
            _types[view] = Empty;
            var union = new List<string>();
            foreach (var variant in variants)
            {
                var types = Types(View(variant, depth + 1), depth + 1);
                if (types.Count == 0)
                {
                    union.Clear();
                    break;
                }
                foreach (var t in types)
                {
                    if (!union.Contains(t))
                    {
                        union.Add(t);
                    }
                }
            }
            result = union;
        }
        else if (view.Properties.Count > 0 || view.AdditionalProperties is not null)
        {
            result = ["object"];
        }
        else if (view.Items is not null)
        {
            result = ["array"];
        }
        _types[view] = result;
        return result;
    }

    private ApiSchema View(ApiSchema schema, int depth)
    {
        if (schema.AllOf.Count == 0)
        {
            return schema;
        }
        if (_views.TryGetValue(schema, out var view))
        {
            return view;
        }
        if (depth > MaxDepth || !_merging.Add(schema))
        {
            return schema;
        }
        try
        {
            var parts = new List<ApiSchema>(schema.AllOf.Count + 1) { schema };
            foreach (var part in schema.AllOf)
            {
                if (!ReferenceEquals(part, schema))
                {
                    parts.Add(View(part, depth + 1));
                }
            }
            view = Merge(schema, parts);
            _views[schema] = view;
            return view;
        }
        finally
        {
            _merging.Remove(schema);
        }
    }

    private static ApiSchema Merge(ApiSchema owner, List<ApiSchema> parts)
    {
        var properties = new Dictionary<string, ApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        var oneOf = new List<ApiSchema>();
        var anyOf = new List<ApiSchema>();
        var merged = new ApiSchema { Ref = owner.Ref, Location = owner.Location };
        foreach (var part in parts)
        {
            if (merged.Types.Count == 0)
            {
                merged.Types = part.Types;
            }
            merged.Format ??= part.Format;
            merged.Pattern ??= part.Pattern;
            merged.Nullable |= part.Nullable;
            merged.ReadOnly |= part.ReadOnly;
            merged.WriteOnly |= part.WriteOnly;
            foreach (var (name, property) in part.Properties)
            {
                properties[name] = properties.TryGetValue(name, out var earlier) && !ReferenceEquals(earlier, property)
                    ? new ApiSchema { AllOf = [earlier, property], Ref = earlier.Ref, Location = earlier.Location }
                    : property;
            }
            required.UnionWith(part.Required);
            merged.Items = Both(merged.Items, part.Items);
            merged.AdditionalProperties ??= part.AdditionalProperties;
            oneOf.AddRange(part.OneOf);
            anyOf.AddRange(part.AnyOf);
            merged.Enum = merged.Enum is null ? part.Enum : part.Enum is null ? merged.Enum : [.. merged.Enum.Intersect(part.Enum)];
            Bounds(merged, part);
        }
        merged.Properties = properties;
        merged.Required = required;
        merged.OneOf = oneOf;
        merged.AnyOf = anyOf;
        return merged;
    }

    private static ApiSchema? Both(ApiSchema? a, ApiSchema? b) =>
        a is null ? b : b is null || ReferenceEquals(a, b) ? a : new ApiSchema { AllOf = [a, b], Ref = a.Ref, Location = a.Location };

    private static void Bounds(ApiSchema merged, ApiSchema part)
    {
        if (part.Maximum is { } max && (merged.Maximum is null || max < merged.Maximum || (max == merged.Maximum && part.ExclusiveMaximum)))
        {
            merged.Maximum = max;
            merged.ExclusiveMaximum = part.ExclusiveMaximum;
        }
        if (part.Minimum is { } min && (merged.Minimum is null || min > merged.Minimum || (min == merged.Minimum && part.ExclusiveMinimum)))
        {
            merged.Minimum = min;
            merged.ExclusiveMinimum = part.ExclusiveMinimum;
        }
        merged.MaxLength = Smaller(merged.MaxLength, part.MaxLength);
        merged.MaxItems = Smaller(merged.MaxItems, part.MaxItems);
        merged.MinLength = Larger(merged.MinLength, part.MinLength);
        merged.MinItems = Larger(merged.MinItems, part.MinItems);
    }

    private static int? Smaller(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static int? Larger(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
