namespace Faultline.Core.Contracts;

/// <summary>Looks up dotted field paths ("amount.currency", "items[].id") in a resolved schema.</summary>
public static class SchemaPaths
{
    /// <summary>True when the schema can hold the field; free-form schemas (no properties, or additionalProperties) hold anything.</summary>
    public static bool Has(ApiSchema? schema, string path)
    {
        var parts = path.Replace("[]", ".[]", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);
        return Has(schema, parts, 0, 0);
    }

    private static bool Has(ApiSchema? schema, string[] parts, int i, int depth)
    {
        if (schema is null || i == parts.Length)
        {
            return true;
        }
        if (depth > 64)
        {
            return true;
        }
        foreach (var alternative in schema.OneOf.Concat(schema.AnyOf))
        {
            if (Has(alternative, parts, i, depth + 1))
            {
                return true;
            }
        }
        if (parts[i] == "[]")
        {
            if (schema.Items is not null)
            {
                return Has(schema.Items, parts, i + 1, depth + 1);
            }
            return schema.AllOf.Any(a => a.Items is not null && Has(a.Items, parts, i + 1, depth + 1)) || IsFreeForm(schema);
        }
        if (schema.Properties.TryGetValue(parts[i], out var property))
        {
            return Has(property, parts, i + 1, depth + 1);
        }
        foreach (var part in schema.AllOf)
        {
            if (part.Properties.ContainsKey(parts[i]) && Has(part, parts, i, depth + 1))
            {
                return true;
            }
        }
        return IsFreeForm(schema) || schema.AdditionalProperties is not null;
    }

    private static bool IsFreeForm(ApiSchema schema) =>
        schema.Properties.Count == 0 && schema.AllOf.Count == 0 && schema.OneOf.Count == 0 && schema.AnyOf.Count == 0 && schema.Items is null
        && (schema.Types.Count == 0 || schema.Types.Contains("object"));
}
