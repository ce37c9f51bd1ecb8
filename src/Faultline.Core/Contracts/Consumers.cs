using Faultline.Core.Documents;

namespace Faultline.Core.Contracts;

/// <summary>Where a consumer's expectation was written down.</summary>
public enum ExpectationOrigin
{
    Pact,
    Assumptions,
    Backstage,
}

/// <summary>
/// What one consumer relies on from one provider: an operation (or the whole API when Method is null), the
/// response fields it reads (dotted paths, "[]" for array items) and the request fields it sends.
/// </summary>
public sealed record ConsumerExpectation(
    string Consumer,
    string Provider,
    string? ProviderNamespace,
    string? Method,
    string? Path,
    IReadOnlyList<string> Reads,
    IReadOnlyList<string> Sends,
    ExpectationOrigin Origin,
    SourceLocation Location)
{
    /// <summary>Whether this is a reader or writer of a topic rather than an HTTP caller.</summary>
    public bool IsMessage => ApiOperation.IsMessageMethod(Method);

    public string Describe() => Method switch
    {
        null => $"{Consumer} uses {Provider}'s API",
        ApiOperation.Send => $"{Consumer} reads topic {ApiOperation.TopicOf(Path ?? "")} from {Provider}",
        ApiOperation.Receive => $"{Consumer} sends on topic {ApiOperation.TopicOf(Path ?? "")} to {Provider}",
        _ => $"{Consumer} calls {Method} {Path} on {Provider}",
    };

    /// <summary>True when this expectation concerns the operation with the given method and path template.</summary>
    public bool Concerns(string method, string template, string basePath = "") =>
        Method is not null && Path is not null && string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)
        && (PathMatches(template, Path) || basePath.Length > 1 && PathMatches(basePath.TrimEnd('/') + "/" + template.TrimStart('/'), Path));

    /// <summary>Whether a concrete path ("/v1/charges/ch_1") or a template ("/v1/charges/{id}") fits a template.</summary>
    public static bool PathMatches(string template, string path)
    {
        var t = ApiOperation.NormalizePath(template).Split('/');
        var p = ApiOperation.NormalizePath(path.Split('?')[0]).Split('/');
        if (t.Length != p.Length)
        {
            return false;
        }
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] != "{}" && p[i] != "{}" && t[i] != p[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when a change at <paramref name="fieldPath"/> touches a field this consumer reads (or a parent of one).</summary>
    public bool ReadsField(string fieldPath) => Reads.Any(r => Related(r, fieldPath));

    public bool SendsField(string fieldPath) => Sends.Any(s => Related(s, fieldPath));

    private static bool Related(string relied, string changed)
    {
        if (changed.Length == 0)
        {
            return false;
        }
        var a = Strip(relied);
        var b = Strip(changed);
        return a == b || a.StartsWith(b + ".", StringComparison.Ordinal) || b.StartsWith(a + ".", StringComparison.Ordinal);
    }

    /// <summary>"items[].id" as "items.id"; a parameter ("param:query:limit", "query:limit") as its name.</summary>
    private static string Strip(string path)
    {
        if (path.StartsWith("param:", StringComparison.Ordinal) || path.StartsWith("query:", StringComparison.Ordinal)
            || path.StartsWith("header:", StringComparison.Ordinal) || path.StartsWith("path:", StringComparison.Ordinal) || path.StartsWith("cookie:", StringComparison.Ordinal))
        {
            path = path[(path.LastIndexOf(':') + 1)..];
        }
        return path.Replace("[]", "", StringComparison.Ordinal);
    }

    /// <summary>Splits "/v1/charges?limit=10&amp;status=void" into the path and the names of its query parameters.</summary>
    public static (string Path, IReadOnlyList<string> Query) SplitQuery(string path)
    {
        var q = path.IndexOf('?');
        if (q < 0)
        {
            return (path, []);
        }
        var names = path[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).Where(n => n.Length > 0).ToList();
        return (path[..q], names);
    }
}

/// <summary>A service's own statements from a faultline.yaml Assumptions document, beyond what consumers say.</summary>
public sealed record ServiceAssumptions(
    string Service,
    string? Namespace,
    SourceLocation Location,
    string? OpenApi,
    string? AsyncApi,
    TimeSpan? LatencyP99,
    IReadOnlyList<CallAssumption> Calls,
    IReadOnlyList<TopicAssumption> Topics);

/// <summary>A call to another service with the caller's timeout and retry policy.</summary>
public sealed record CallAssumption(
    string Service,
    string? Namespace,
    string? Operation,
    TimeSpan? Timeout,
    int? Attempts,
    TimeSpan? PerTryTimeout,
    IReadOnlyList<string> RetryOn,
    SourceLocation Location);

/// <summary>A service that reads a topic: a faultline.yaml `consumes: - topic:` entry (with the fields it reads) or an AsyncAPI receive.</summary>
public sealed record TopicReader(string Service, string Topic, IReadOnlyList<string> Reads, SourceLocation Location)
{
    public static IEnumerable<TopicReader> Of(IEnumerable<ServiceAssumptions> assumptions, IEnumerable<ServiceInterface> interfaces) =>
        assumptions.SelectMany(a => a.Topics.Where(t => !t.Produces).Select(t => new TopicReader(a.Service, ApiOperation.TopicOf(t.Topic), t.Reads, t.Location)))
            .Concat(interfaces.SelectMany(i => i.Spec.Operations.Where(o => o.Method == ApiOperation.Receive)
                .Select(o => new TopicReader(i.Service, o.Kafka?.Topic ?? ApiOperation.TopicOf(o.Path), [], o.Location))));
}

/// <summary>A topic the service consumes (with the key it relies on for ordering) or produces (with its key).</summary>
public sealed record TopicAssumption(string Topic, bool Produces, string? Key, SourceLocation Location)
{
    /// <summary>A consumer's fields it reads from each message (dotted paths), as `reads` on a topic says.</summary>
    public IReadOnlyList<string> Reads { get; init; } = [];

    /// <summary>A producer's JSON Schema file of the messages (as written, relative to the faultline.yaml).</summary>
    public string? Schema { get; init; }

    /// <summary>The canonical text of the producer's key schema, when an AsyncAPI binding states one.</summary>
    public string? KeySchema { get; init; }

    /// <summary>Whether an AsyncAPI message binding states this (a producer's key) rather than a faultline.yaml.</summary>
    public bool FromAsyncApi { get; init; }

    /// <summary>The key in words: the field, else the key schema, else nothing.</summary>
    public string DescribeKey() => Key ?? (KeySchema is { } s ? $"the key schema {s}" : "nothing");

    /// <summary>Same key: the fields when both name one, else the key schemas when both have one.</summary>
    public bool SameKey(TopicAssumption other) =>
        Key is not null && other.Key is not null ? Key == other.Key
        : KeySchema is not null && other.KeySchema is not null ? KeySchema == other.KeySchema
        : Key == other.Key;
}

/// <summary>A provider's HTTP interface attached to a service, and where the attachment was declared.</summary>
public sealed record ServiceInterface(string Service, string Namespace, ApiSpec Spec, string DeclaredBy, SourceLocation DeclaredAt);

/// <summary>Everything about interfaces and their consumers that the input holds.</summary>
public sealed record ContractSet(
    IReadOnlyList<ServiceInterface> Interfaces,
    IReadOnlyList<ConsumerExpectation> Expectations,
    IReadOnlyList<ServiceAssumptions> Assumptions)
{
    public static readonly ContractSet Empty = new([], [], []);

    public ServiceInterface? InterfaceOf(string service, string? ns) =>
        Interfaces.FirstOrDefault(i => i.Service == service && (ns is null || i.Namespace == ns));

    /// <summary>True when any consumer of the provider is known, so silence about a field means no one reads it.</summary>
    public bool ConsumersKnown(string provider) => Expectations.Any(e => e.Provider == provider);
}
