using Faultline.Core.Documents;

namespace Faultline.Core.Contracts;

/// <summary>
/// A provider's HTTP interface as read from OpenAPI 3.0/3.1 or Swagger 2.0, with every $ref resolved: the
/// operations, their parameters, request bodies and responses. Schemas that refer to themselves are shared
/// instances, so a schema graph may have cycles; walkers must track what they visited.
/// </summary>
public sealed record ApiSpec(string Title, string Version, SourceLocation Location, IReadOnlyList<ApiOperation> Operations)
{
    /// <summary>
    /// The path prefix the operation paths sit under, as served: Swagger 2 <c>basePath</c>, or the path of the first
    /// OpenAPI 3 server URL ("/v1"); "" when there is none. Operation paths do not include it.
    /// </summary>
    public string BasePath { get; init; } = "";

    /// <summary>
    /// Whether this spec describes HTTP operations (OpenAPI, Swagger). A service whose only spec is a message spec
    /// (AsyncAPI, a topic schema) says nothing about its HTTP API, so HTTP expectations are not checked against it.
    /// </summary>
    public bool DescribesHttp { get; init; } = true;

    public ApiOperation? Find(string method, string path)
    {
        var key = ApiOperation.KeyOf(method, path);
        return Operations.FirstOrDefault(o => o.Key == key);
    }
}

/// <summary>One operation. Path templates are normalised ("/v1/charges/{}"), so renaming a path parameter is no change.</summary>
public sealed record ApiOperation(
    string Method,
    string Path,
    string? OperationId,
    SourceLocation Location,
    IReadOnlyList<ApiParameter> Parameters,
    ApiBody? RequestBody,
    IReadOnlyList<ApiResponse> Responses,
    bool Idempotent)
{
    /// <summary>"POST /v1/charges/{}": the method in upper case and the normalised path.</summary>
    public string Key => KeyOf(Method, Path);

    /// <summary>Kafka facts about a message operation's topic and key (AsyncAPI bindings); null when none are stated.</summary>
    public KafkaBinding? Kafka { get; init; }

    /// <summary>The method of a message the service sends on a topic (compared like a response).</summary>
    public const string Send = "SEND";

    /// <summary>The method of a message the service receives from a topic (compared like a request body).</summary>
    public const string Receive = "RECEIVE";

    /// <summary>True for the SEND and RECEIVE operations of a message spec, whose "path" is a topic.</summary>
    public bool IsMessage => IsMessageMethod(Method);

    public static bool IsMessageMethod(string? method) => method is Send or Receive;

    /// <summary>The topic (channel address) of a message operation: the path without its leading slash.</summary>
    public static string TopicOf(string path) => path.TrimStart('/');

    /// <summary>The path of a message operation on a topic: "/orders" for "orders".</summary>
    public static string PathOf(string topic) => "/" + TopicOf(topic);

    /// <summary>The names a message operation's topic goes by: its address and, when a Kafka binding names it, the topic name.</summary>
    public IEnumerable<string> TopicNames() => Kafka is { } kafka && kafka.Topic != TopicOf(Path) ? [TopicOf(Path), kafka.Topic] : [TopicOf(Path)];

    public static string KeyOf(string method, string path) => $"{method.ToUpperInvariant()} {NormalizePath(path)}";

    /// <summary>Replaces every {name} with {} and drops a trailing slash.</summary>
    public static string NormalizePath(string path)
    {
        var sb = new System.Text.StringBuilder(path.Length);
        var inParam = false;
        foreach (var c in path)
        {
            if (c == '{')
            {
                inParam = true;
                sb.Append("{}");
            }
            else if (c == '}')
            {
                inParam = false;
            }
            else if (!inParam)
            {
                sb.Append(c);
            }
        }
        var result = sb.ToString();
        return result.Length > 1 ? result.TrimEnd('/') : result;
    }
}

/// <summary>A parameter; In is path, query, header or cookie.</summary>
public sealed record ApiParameter(string Name, string In, bool Required, ApiSchema? Schema, SourceLocation Location);

/// <summary>A request body: media type to schema (null when the media type has no schema).</summary>
public sealed record ApiBody(bool Required, IReadOnlyDictionary<string, ApiSchema?> Content, SourceLocation Location);

/// <summary>A response: status ("200", "4XX", "default") and media type to schema.</summary>
public sealed record ApiResponse(string Status, IReadOnlyDictionary<string, ApiSchema?> Content, SourceLocation Location)
{
    /// <summary>The response headers the spec declares; names are compared without regard to case.</summary>
    public IReadOnlyList<ApiHeader> Headers { get; init; } = [];
}

/// <summary>A response header, its schema, and whether the spec promises it on every response (<c>required</c>).</summary>
public sealed record ApiHeader(string Name, ApiSchema? Schema, SourceLocation Location)
{
    public bool Required { get; init; }
}

/// <summary>
/// What an AsyncAPI document says about the Kafka topic of one operation: the real topic name (the channel
/// binding's <c>topic</c>, else the address), its partition count, and the message key, as the payload field it
/// is (<see cref="KeyField"/>, when the document says which) and as the key schema's canonical text.
/// </summary>
public sealed record KafkaBinding(string Topic, int? Partitions, SourceLocation? PartitionsAt, string? KeyField, string? KeySchema, SourceLocation? KeyAt);

/// <summary>A JSON Schema as OpenAPI uses it, reduced to what breaks consumers.</summary>
public sealed class ApiSchema
{
    /// <summary>The types allowed ("object", "string", ...); empty when the schema says nothing.</summary>
    public IReadOnlyList<string> Types { get; set; } = [];

    public string? Format { get; set; }

    /// <summary>nullable: true (3.0), or "null" among the types (3.1).</summary>
    public bool Nullable { get; set; }

    public IReadOnlyDictionary<string, ApiSchema> Properties { get; set; } = new Dictionary<string, ApiSchema>();

    public IReadOnlySet<string> Required { get; set; } = new HashSet<string>();

    public ApiSchema? Items { get; set; }

    public ApiSchema? AdditionalProperties { get; set; }

    public IReadOnlyList<ApiSchema> AllOf { get; set; } = [];

    public IReadOnlyList<ApiSchema> OneOf { get; set; } = [];

    public IReadOnlyList<ApiSchema> AnyOf { get; set; } = [];

    /// <summary>Allowed values as their JSON text; null when not an enum.</summary>
    public IReadOnlyList<string>? Enum { get; set; }

    public decimal? Maximum { get; set; }

    public decimal? Minimum { get; set; }

    public bool ExclusiveMaximum { get; set; }

    public bool ExclusiveMinimum { get; set; }

    public int? MaxLength { get; set; }

    public int? MinLength { get; set; }

    public int? MaxItems { get; set; }

    public int? MinItems { get; set; }

    public string? Pattern { get; set; }

    public bool ReadOnly { get; set; }

    public bool WriteOnly { get; set; }

    /// <summary>The $ref this schema was reached through, for messages ("#/components/schemas/Charge").</summary>
    public string? Ref { get; set; }

    public SourceLocation Location { get; set; }
}
