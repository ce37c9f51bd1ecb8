using Faultline.Core.Documents;

namespace Faultline.Core.Contracts;

/// <summary>Where in an operation a comparison runs: direction, status and media type, and the words for messages.</summary>
internal readonly record struct Site(ChangeDirection Direction, string? Status, string? MediaType, string Label);

/// <summary>Collects the changes of one diff, once each: the same rule on the same field is reported once.</summary>
internal sealed class ChangeSink
{
    private readonly List<ContractChange> _changes = [];
    private readonly HashSet<(string, string, ChangeDirection, string, string?, string?)> _seen = [];

    public string Operation { get; set; } = "";

    public IReadOnlyList<ContractChange> Changes => _changes;

    public void Add(string ruleId, Site site, string path, string what, SourceLocation? baseLocation, SourceLocation? headLocation) =>
        Add(ruleId, site.Direction, path, site.Status, site.MediaType, $"{site.Label}: {Subject(path)} {what}", baseLocation, headLocation);

    public void Add(string ruleId, ChangeDirection direction, string path, string? status, string? mediaType, string description,
        SourceLocation? baseLocation, SourceLocation? headLocation)
    {
        if (_seen.Add((ruleId, Operation, direction, path, status, mediaType)))
        {
            _changes.Add(new ContractChange(ruleId, Operation, direction, path, status, mediaType, description, baseLocation, headLocation));
        }
    }

    /// <summary>"field 'amount.currency'", "query parameter 'limit'", "the body".</summary>
    internal static string Subject(string path)
    {
        if (path.Length == 0)
        {
            return "the body";
        }
        if (path.StartsWith("header:", StringComparison.Ordinal))
        {
            return $"header {path[7..]}";
        }
        if (!path.StartsWith("param:", StringComparison.Ordinal))
        {
            return $"field '{path}'";
        }
        var colon = path.IndexOf(':', 6);
        if (colon < 0)
        {
            return $"parameter '{path[6..]}'";
        }
        var where = path[6..colon];
        var rest = path[(colon + 1)..];
        var dot = FieldStart(rest);
        return dot < 0
            ? $"{where} parameter '{rest}'"
            : $"{where} parameter '{rest[..dot]}' field '{rest[dot..].TrimStart('.')}'";
    }

    /// <summary>Where the field part of a parameter path starts: the first '.' or "[]" after the name.</summary>
    private static int FieldStart(string rest)
    {
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var items = rest.IndexOf("[]", StringComparison.Ordinal);
        return dot < 0 ? items : items < 0 ? dot : Math.Min(dot, items);
    }
}
