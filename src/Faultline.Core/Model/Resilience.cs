using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>Where a timeout or retry policy comes from.</summary>
public enum PolicyOrigin
{
    Istio,
    Linkerd,
    Assumptions,
}

/// <summary>
/// How a caller calls a callee: the total timeout, the number of tries (first call plus retries), the per-try
/// timeout and what is retried. Caller is null for mesh policies, which apply to every caller of the host.
/// Operation narrows it to one route ("POST /v1/charges"), or a path prefix for mesh routes ("POST /v1/*").
/// </summary>
public sealed record CallPolicy(
    string? Caller,
    string Callee,
    string CalleeNamespace,
    string? Method,
    string? PathPrefix,
    TimeSpan? Timeout,
    int Tries,
    TimeSpan? PerTryTimeout,
    IReadOnlyList<string> RetryOn,
    PolicyOrigin Origin,
    SourceLocation Location)
{
    public bool Retries => Tries > 1;

    /// <summary>The longest the caller waits in all: the timeout, else tries x per-try timeout; null when unbounded.</summary>
    public TimeSpan? Budget => Timeout ?? (PerTryTimeout is { } p ? p * Tries : null);

    public string Describe()
    {
        var parts = new List<string>();
        if (Timeout is { } t)
        {
            parts.Add($"timeout {Format(t)}");
        }
        if (Retries)
        {
            parts.Add($"{Tries} tries" + (PerTryTimeout is { } p ? $" of {Format(p)}" : ""));
        }
        return (parts.Count == 0 ? "no timeout, no retries" : string.Join(", ", parts)) + $" ({Origin.ToString().ToLowerInvariant()} {Location})";
    }

    public static string Format(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0 ? $"{t.TotalSeconds:0.##}s" : $"{t.TotalMilliseconds:0}ms";
}

/// <summary>A Kafka topic as a KafkaTopic resource (or, failing one, an AsyncAPI channel binding) declares it.</summary>
public sealed record TopicInfo(string Name, string Namespace, int? Partitions, SourceLocation Location)
{
    public const string FromKafkaTopic = "KafkaTopic";
    public const string FromAsyncApiBinding = "AsyncAPI binding";

    /// <summary>What declared it: <see cref="FromKafkaTopic"/> or <see cref="FromAsyncApiBinding"/>.</summary>
    public string Source { get; init; } = FromKafkaTopic;
}

/// <summary>Reads mesh and broker resources: Istio VirtualService, Linkerd ServiceProfile, Strimzi KafkaTopic.</summary>
public static class ResilienceReader
{
    public static IEnumerable<CallPolicy> Policies(Manifest m)
    {
        if (m.Kind == "VirtualService" && m.ApiVersion.StartsWith("networking.istio.io/", StringComparison.Ordinal))
        {
            foreach (var p in Istio(m))
            {
                yield return p;
            }
        }
        else if (m.Kind == "ServiceProfile" && m.ApiVersion.StartsWith("linkerd.io/", StringComparison.Ordinal))
        {
            foreach (var p in Linkerd(m))
            {
                yield return p;
            }
        }
    }

    public static TopicInfo? Topic(Manifest m) =>
        m.Kind == "KafkaTopic" && m.ApiVersion.StartsWith("kafka.strimzi.io/", StringComparison.Ordinal)
            ? new TopicInfo(m.Root.Map("spec")?.Str("topicName") ?? m.Name, m.Namespace, m.Root.Map("spec")?.Int("partitions"), m.Location)
            : null;

    /// <summary>Istio: retries.attempts counts retries (tries = attempts + 1), and perTryTimeout applies to the first call too.</summary>
    private static IEnumerable<CallPolicy> Istio(Manifest m)
    {
        foreach (var route in m.Root.Map("spec")?.Maps("http") ?? [])
        {
            var timeout = ParseDuration(route.Str("timeout"));
            var retries = route.Map("retries");
            var attempts = retries?.Int("attempts") ?? 0;
            var perTry = ParseDuration(retries?.Str("perTryTimeout"));
            var retryOn = (retries?.Str("retryOn") ?? (attempts > 0 ? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes" : ""))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var match = route.Maps("match").FirstOrDefault();
            var method = match?.Map("method")?.Str("exact");
            var uri = match?.Map("uri");
            var prefix = uri?.Str("exact") ?? uri?.Str("prefix");
            foreach (var destination in route.Maps("route").Select(r => r.Map("destination")).OfType<MapNode>())
            {
                if (destination.Str("host") is not { } host)
                {
                    continue;
                }
                var (name, ns) = HostToService(host, m.Namespace);
                yield return new CallPolicy(null, name, ns, method, prefix, timeout, attempts + 1, perTry, retryOn, PolicyOrigin.Istio, m.At(route));
            }
        }
    }

    /// <summary>Linkerd: the route timeout includes retries; isRetryable routes retry within the retry budget.</summary>
    private static IEnumerable<CallPolicy> Linkerd(Manifest m)
    {
        var (name, ns) = HostToService(m.Name, m.Namespace);
        var budget = m.Root.Map("spec")?.Map("retryBudget");
        var ratio = decimal.TryParse(budget?.Str("retryRatio"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : 0.2m;
        foreach (var route in m.Root.Map("spec")?.Maps("routes") ?? [])
        {
            var condition = route.Map("condition");
            var retryable = route.Bool("isRetryable") == true;
            var timeout = ParseDuration(route.Str("timeout"));
            if (timeout is null && !retryable)
            {
                continue;
            }
            // The budget caps retries at a ratio of live traffic: on average 1 + ratio tries per request.
            var tries = retryable ? 1 + (int)Math.Ceiling(ratio) : 1;
            yield return new CallPolicy(null, name, ns, condition?.Str("method"), condition?.Str("pathRegex"), timeout, tries, null,
                retryable ? ["retryable"] : [], PolicyOrigin.Linkerd, m.At(route));
        }
    }

    /// <summary>"ratings", "ratings.prod", "ratings.prod.svc.cluster.local" as a Service name and namespace.</summary>
    public static (string Name, string Namespace) HostToService(string host, string ns)
    {
        var labels = host.Split('.');
        return labels.Length >= 2 ? (labels[0], labels[1]) : (labels[0], ns);
    }

    private static TimeSpan? ParseDuration(string? text) => text is null ? null : AssumptionDocuments.ParseDuration(text);
}
