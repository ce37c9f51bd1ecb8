using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Sources.Contracts;

/// <summary>
/// Reads pact files (specification v2, v3 and v4, HTTP interactions) into consumer expectations: the operation, the
/// response fields the consumer's test asserts (every field of the example body) and the request fields it sends.
/// </summary>
public static class PactReader
{
    public static bool IsPact(MapNode root) =>
        root.Map("consumer") is not null && root.Map("provider") is not null && (root.List("interactions") is not null || root.List("messages") is not null);

    public static IReadOnlyList<ConsumerExpectation> Read(string file, MapNode root, List<InputDiagnostic> diagnostics)
    {
        var consumer = root.Map("consumer")?.Str("name");
        var provider = root.Map("provider")?.Str("name");
        var location = new SourceLocation(file, root.Line);
        if (consumer is null || provider is null)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, "pact file without consumer.name or provider.name"));
            return [];
        }
        var version = SpecVersion(root);
        if (version is not null && !(version.StartsWith('1') || version.StartsWith('2') || version.StartsWith('3') || version.StartsWith('4')))
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"pact specification version {version} is not one Faultline reads (1 to 4)"));
            return [];
        }
        var result = new List<ConsumerExpectation>();
        foreach (var interaction in root.Maps("interactions"))
        {
            var type = interaction.Str("type");
            if (type is not null && type != "Synchronous/HTTP")
            {
                continue; // message pacts describe topics, not HTTP operations
            }
            var request = interaction.Map("request");
            var response = interaction.Map("response");
            if (request?.Str("method") is not { } method || request.Str("path") is not { } path)
            {
                diagnostics.Add(new(DiagnosticLevel.Warning, new SourceLocation(file, interaction.Line), "pact interaction without request method and path; skipped"));
                continue;
            }
            var reads = new List<string>();
            Flatten(Body(response), "", reads);
            var sends = new List<string>();
            Flatten(Body(request), "", sends);
            // Query parameters (v2: "a=1&b=2"; v3+: {a: ["1"]}) and headers are sent too.
            if (request["query"] is ScalarNode { } queryText)
            {
                sends.AddRange(ConsumerExpectation.SplitQuery("?" + queryText.Value).Query);
            }
            sends.AddRange(request.Map("query")?.Entries.Select(e => e.Key) ?? []);
            sends.AddRange(request.Map("headers")?.Entries.Select(e => e.Key) ?? []);
            var (bare, inline) = ConsumerExpectation.SplitQuery(path);
            path = bare;
            sends.AddRange(inline);
            result.Add(new ConsumerExpectation(consumer, provider, null, method.ToUpperInvariant(), path, reads, sends, ExpectationOrigin.Pact, new SourceLocation(file, interaction.Line)));
        }
        return result;
    }

    private static string? SpecVersion(MapNode root)
    {
        var meta = root.Map("metadata");
        return meta?.Map("pactSpecification")?.Str("version") ?? meta?.Map("pact-specification")?.Str("version") ?? meta?.Str("pactSpecificationVersion");
    }

    /// <summary>The body of a request or response; v4 wraps it as {content, contentType, encoded}.</summary>
    private static Node? Body(MapNode? message)
    {
        var body = message?["body"];
        if (body is MapNode m && m["content"] is { } content && m.Str("contentType") is not null)
        {
            return m.Str("encoded") is "false" or null ? content : null;
        }
        return body;
    }

    /// <summary>Every field path of an example body: "a", "a.b", "items[]", "items[].id".</summary>
    internal static void Flatten(Node? node, string prefix, List<string> paths)
    {
        switch (node)
        {
            case MapNode map:
                foreach (var (key, value) in map.Entries)
                {
                    var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                    paths.Add(path);
                    Flatten(value, path, paths);
                }
                break;
            case ListNode list when list.Items.Count > 0:
                Flatten(list.Items[0], prefix + "[]", paths);
                break;
        }
    }
}
