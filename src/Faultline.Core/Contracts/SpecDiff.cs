namespace Faultline.Core.Contracts;

/// <summary>
/// The changes from a base to a head spec that can break a consumer. Direction matters: a consumer reads
/// responses, so a response may not grow (new types, enum values, nulls) or lose what it had; a consumer sends
/// requests, so a request may not shrink what it accepts (types, enum values, bounds) or demand more (required
/// fields and parameters). Operations are matched by method and normalised path, parameters by place and name,
/// responses by status, bodies by media type. The order follows the base spec and is the same on every run.
/// </summary>
public static class SpecDiff
{
    /// <summary>The contract rule ids this diff reports.</summary>
    public static class RuleIds
    {
        public const string OperationRemoved = "contract.operation-removed";
        public const string ResponseFieldRemoved = "contract.response-field-removed";
        public const string ResponseFieldTypeChanged = "contract.response-field-type-changed";
        public const string ResponseFieldBecameOptional = "contract.response-field-became-optional";
        public const string ResponseEnumValueAdded = "contract.response-enum-value-added";
        public const string ResponseStatusRemoved = "contract.response-status-removed";
        public const string MediaTypeRemoved = "contract.media-type-removed";
        public const string RequestFieldBecameRequired = "contract.request-field-became-required";
        public const string RequestFieldTypeChanged = "contract.request-field-type-changed";
        public const string RequestEnumValueRemoved = "contract.request-enum-value-removed";
        public const string RequestConstraintNarrowed = "contract.request-constraint-narrowed";

        public static IReadOnlyList<string> All { get; } =
        [
            OperationRemoved, ResponseFieldRemoved, ResponseFieldTypeChanged, ResponseFieldBecameOptional,
            ResponseEnumValueAdded, ResponseStatusRemoved, MediaTypeRemoved, RequestFieldBecameRequired,
            RequestFieldTypeChanged, RequestEnumValueRemoved, RequestConstraintNarrowed,
        ];
    }

    /// <summary>
    /// A changed base path (servers[0].url's path, or basePath) moves every operation: a client calling
    /// /v1/charges gets 404 once the API is served under /v2, even though no operation changed. Each operation
    /// that still exists is reported as removed from its old full path, which is the path clients call.
    /// </summary>
    private static void BasePathMoved(ApiSpec baseSpec, ApiSpec head, Dictionary<string, ApiOperation> headOperations, ChangeSink sink)
    {
        static string Root(string path) => path.TrimEnd('/');
        var from = Root(baseSpec.BasePath);
        var to = Root(head.BasePath);
        if (from == to)
        {
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in baseSpec.Operations)
        {
            if (!seen.Add(b.Key) || !headOperations.TryGetValue(b.Key, out var h))
            {
                continue;
            }
            var method = b.Method.ToUpperInvariant();
            sink.Operation = $"{method} {from}{b.Path}";
            sink.Add(RuleIds.OperationRemoved, ChangeDirection.Operation, "", null, null,
                $"{sink.Operation} moved to {method} {to}{b.Path}: the API's base path changed from {(from.Length == 0 ? "/" : from)} to {(to.Length == 0 ? "/" : to)}",
                b.Location, h.Location);
        }
    }

    public static IReadOnlyList<ContractChange> Diff(ApiSpec baseSpec, ApiSpec head)
    {
        var sink = new ChangeSink();
        var schemas = new SchemaComparer(sink);
        var headOperations = new Dictionary<string, ApiOperation>(head.Operations.Count, StringComparer.Ordinal);
        foreach (var operation in head.Operations)
        {
            headOperations.TryAdd(operation.Key, operation);
        }
        var done = new HashSet<string>(StringComparer.Ordinal);
        BasePathMoved(baseSpec, head, headOperations, sink);
        foreach (var b in baseSpec.Operations)
        {
            if (!done.Add(b.Key))
            {
                continue;
            }
            sink.Operation = $"{b.Method.ToUpperInvariant()} {b.Path}";
            if (!headOperations.TryGetValue(b.Key, out var h))
            {
                var removed = b.Method switch
                {
                    ApiOperation.Send => $"messages are no longer sent on topic {ApiOperation.TopicOf(b.Path)}",
                    ApiOperation.Receive => $"messages on topic {ApiOperation.TopicOf(b.Path)} are no longer received",
                    _ => $"{sink.Operation} was removed",
                };
                sink.Add(RuleIds.OperationRemoved, ChangeDirection.Operation, "", null, null, removed, b.Location, null);
                continue;
            }
            Parameters(b, h, sink, schemas);
            RequestBody(b, h, sink, schemas);
            Responses(b, h, sink, schemas);
        }
        return sink.Changes;
    }

    private static void Parameters(ApiOperation b, ApiOperation h, ChangeSink sink, SchemaComparer schemas)
    {
        var basePath = PathParameterNames(b.Path);
        var headPath = PathParameterNames(h.Path);
        var baseByKey = new Dictionary<string, ApiParameter>(StringComparer.Ordinal);
        foreach (var p in b.Parameters)
        {
            baseByKey.TryAdd(ParameterKey(p, basePath), p);
        }
        var site = new Site(ChangeDirection.Request, null, null, "request");
        foreach (var hp in h.Parameters)
        {
            var path = $"param:{hp.In}:{hp.Name}";
            if (!baseByKey.TryGetValue(ParameterKey(hp, headPath), out var bp))
            {
                if (hp.Required)
                {
                    sink.Add(RuleIds.RequestFieldBecameRequired, site, path, "is new and required", null, hp.Location);
                }
                continue;
            }
            if (hp.Required && !bp.Required)
            {
                sink.Add(RuleIds.RequestFieldBecameRequired, site, path, "became required", bp.Location, hp.Location);
            }
            schemas.CompareRoot(bp.Schema, hp.Schema, site, path);
        }
    }

    /// <summary>Path parameters are matched by their place in the template, so renaming one is no change.</summary>
    private static string ParameterKey(ApiParameter p, List<string> pathNames) => p.In switch
    {
        "path" when pathNames.IndexOf(p.Name) is var i and >= 0 => $"path#{i}",
        "header" => $"header:{p.Name.ToLowerInvariant()}",
        _ => $"{p.In}:{p.Name}",
    };

    private static List<string> PathParameterNames(string path)
    {
        var names = new List<string>();
        var start = -1;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '{')
            {
                start = i + 1;
            }
            else if (path[i] == '}' && start >= 0)
            {
                names.Add(path[start..i]);
                start = -1;
            }
        }
        return names;
    }

    private static void RequestBody(ApiOperation b, ApiOperation h, ChangeSink sink, SchemaComparer schemas)
    {
        var hb = h.RequestBody;
        if (hb is null)
        {
            return;
        }
        var bb = b.RequestBody;
        if (bb is null)
        {
            if (hb.Required)
            {
                sink.Add(RuleIds.RequestFieldBecameRequired, ChangeDirection.Request, "", null, null, "a request body is now required", null, hb.Location);
            }
            return;
        }
        if (hb.Required && !bb.Required)
        {
            sink.Add(RuleIds.RequestFieldBecameRequired, ChangeDirection.Request, "", null, null, "the request body became required", bb.Location, hb.Location);
        }
        foreach (var (mediaType, schema) in bb.Content)
        {
            if (FindMediaType(hb.Content, mediaType) is not { } headMedia)
            {
                if (hb.Content.Count > 0)
                {
                    sink.Add(RuleIds.MediaTypeRemoved, ChangeDirection.Request, "", null, mediaType,
                        b.IsMessage
                            ? $"messages on topic {ApiOperation.TopicOf(b.Path)} are no longer accepted as {mediaType} (only {string.Join(", ", hb.Content.Keys)})"
                            : $"request body no longer accepts {mediaType} (accepts {string.Join(", ", hb.Content.Keys)})", bb.Location, hb.Location);
                }
                continue;
            }
            var label = b.IsMessage ? $"message on topic {ApiOperation.TopicOf(b.Path)}" : $"request body ({mediaType})";
            schemas.CompareRoot(schema, headMedia.Value, new Site(ChangeDirection.Request, null, mediaType, label), "");
        }
    }

    private static void Responses(ApiOperation b, ApiOperation h, ChangeSink sink, SchemaComparer schemas)
    {
        var headByStatus = new Dictionary<string, ApiResponse>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in h.Responses)
        {
            headByStatus.TryAdd(r.Status, r);
        }
        foreach (var br in b.Responses)
        {
            var topic = b.IsMessage ? ApiOperation.TopicOf(b.Path) : null;
            var site = new Site(ChangeDirection.Response, br.Status, null, topic is null ? $"response {br.Status}" : $"message on topic {topic}");
            if (!headByStatus.TryGetValue(br.Status, out var hr)
                && !(br.Status.Length == 3 && char.IsAsciiDigit(br.Status[0]) && headByStatus.TryGetValue($"{br.Status[0]}XX", out hr)))
            {
                if (br.Status.StartsWith('2'))
                {
                    sink.Add(RuleIds.ResponseStatusRemoved, ChangeDirection.Response, "", br.Status, null,
                        $"response {br.Status} was removed", br.Location, h.Location);
                }
                continue;
            }
            foreach (var (mediaType, schema) in br.Content)
            {
                if (FindMediaType(hr.Content, mediaType) is not { } headMedia)
                {
                    sink.Add(RuleIds.MediaTypeRemoved, ChangeDirection.Response, "", br.Status, mediaType,
                        topic is not null
                            ? $"messages on topic {topic} are no longer sent as {mediaType}" + (hr.Content.Count == 0 ? "" : $" (sent as {string.Join(", ", hr.Content.Keys)})")
                            : hr.Content.Count == 0
                            ? $"response {br.Status} no longer has a body of type {mediaType}"
                            : $"response {br.Status} no longer returns {mediaType} (returns {string.Join(", ", hr.Content.Keys)})",
                        br.Location, hr.Location);
                    continue;
                }
                schemas.CompareRoot(schema, headMedia.Value, site with { MediaType = mediaType, Label = topic is null ? $"response {br.Status} ({mediaType})" : site.Label }, "");
            }
            Headers(br, hr, site, sink, schemas);
        }
    }

    /// <summary>
    /// A response header a client reads may not go away or stop being promised (required to optional); its
    /// schema is compared as a response field's is (type, null, enum values). Header names ignore case; the field
    /// path is "header:NAME" with the base spec's spelling.
    /// </summary>
    private static void Headers(ApiResponse br, ApiResponse hr, Site site, ChangeSink sink, SchemaComparer schemas)
    {
        foreach (var bh in br.Headers)
        {
            var path = "header:" + bh.Name;
            var hh = hr.Headers.FirstOrDefault(h => string.Equals(h.Name, bh.Name, StringComparison.OrdinalIgnoreCase));
            if (hh is null)
            {
                sink.Add(RuleIds.ResponseFieldRemoved, site, path, "was removed", bh.Location, hr.Location);
                continue;
            }
            if (bh.Required && !hh.Required)
            {
                sink.Add(RuleIds.ResponseFieldBecameOptional, site, path, "is no longer required", bh.Location, hh.Location);
            }
            schemas.CompareRoot(bh.Schema, hh.Schema, site, path);
        }
    }

    /// <summary>The same media type, else one that differs only in parameters ("; charset=utf-8").</summary>
    private static KeyValuePair<string, ApiSchema?>? FindMediaType(IReadOnlyDictionary<string, ApiSchema?> content, string mediaType)
    {
        if (content.TryGetValue(mediaType, out var exact))
        {
            return new(mediaType, exact);
        }
        var essence = Essence(mediaType);
        foreach (var entry in content)
        {
            if (string.Equals(Essence(entry.Key), essence, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }
        return null;
    }

    private static string Essence(string mediaType)
    {
        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim();
    }
}
