using System.Text.Json;

namespace Faultline.Core.Upgrade;

/// <summary>The upgrade data is malformed. Every problem is listed, each naming the entry it is in.</summary>
public sealed class UpgradeDataException(string file, IReadOnlyList<string> errors)
    : Exception($"{file}: {errors.Count} problem(s):\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Reads the JSON data files that ship inside Faultline.Core, and checks their shape field by field.</summary>
internal static class UpgradeData
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string Resource(string fileName)
    {
        var name = $"Faultline.Core.Upgrade.Data.{fileName}";
        using var stream = typeof(UpgradeData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from Faultline.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses a data file; a syntax error becomes the single problem reported.</summary>
    public static JsonElement Parse(string json, string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, Options);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UpgradeDataException(file, [$"line {e.LineNumber + 1}: not valid JSON: {e.Message}"]);
        }
    }
}

/// <summary>Reads the fields of one JSON object, collecting what is missing or mistyped with the entry's name.</summary>
internal sealed class FieldReader
{
    private readonly JsonElement _element;
    private readonly List<string> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public FieldReader(JsonElement element, string where, List<string> errors)
    {
        _element = element;
        Where = where;
        _errors = errors;
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error($"must be an object, not {element.ValueKind}");
        }
    }

    public string Where { get; set; }

    public bool IsObject => _element.ValueKind == JsonValueKind.Object;

    public void Error(string message) => _errors.Add($"{Where}: {message}");

    /// <summary>A string field; null when absent or null, which is an error unless <paramref name="optional"/>.</summary>
    public string? String(string name, bool optional = false, bool allowEmpty = false)
    {
        var value = Get(name);
        if (value is null || value.Value.ValueKind == JsonValueKind.Null)
        {
            if (!optional)
            {
                Error($"{name} is required");
            }
            return null;
        }
        if (value.Value.ValueKind != JsonValueKind.String)
        {
            Error($"{name} must be a string, not {value.Value.ValueKind}");
            return null;
        }
        var text = value.Value.GetString()!;
        if (!optional && !allowEmpty && text.Length == 0)
        {
            Error($"{name} must not be empty");
        }
        return text;
    }

    /// <summary>A Kubernetes minor version given as a string ("1.22").</summary>
    public KubeVersion? Version(string name, bool optional = false)
    {
        var text = String(name, optional);
        if (text is null)
        {
            return null;
        }
        if (!KubeVersion.TryParse(text, out var v) || text.Count(c => c == '.') != 1 || text.StartsWith('v'))
        {
            Error($"{name} '{text}' is not a Kubernetes minor version like \"1.22\"");
            return null;
        }
        return v;
    }

    public int? Int(string name)
    {
        var value = Get(name);
        if (value is not { ValueKind: JsonValueKind.Number } n || !n.TryGetInt32(out var i))
        {
            Error($"{name} must be a whole number");
            return null;
        }
        return i;
    }

    public IReadOnlyList<JsonElement> Array(string name)
    {
        var value = Get(name);
        if (value is not { ValueKind: JsonValueKind.Array } a)
        {
            Error($"{name} must be a list");
            return [];
        }
        return a.EnumerateArray().ToList();
    }

    public IReadOnlyList<string> Strings(string name)
    {
        var items = new List<string>();
        foreach (var (item, i) in Array(name).Select((e, i) => (e, i)))
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s)
            {
                items.Add(s);
            }
            else
            {
                Error($"{name}[{i}] must be a non-empty string");
            }
        }
        return items;
    }

    /// <summary>Reports keys nobody read, so a misspelt field is an error rather than a silently missing value.</summary>
    public void RejectUnknown()
    {
        if (!IsObject)
        {
            return;
        }
        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
            {
                Error($"unknown field '{property.Name}'");
            }
        }
    }

    private JsonElement? Get(string name)
    {
        _read.Add(name);
        return IsObject && _element.TryGetProperty(name, out var v) ? v : null;
    }
}
