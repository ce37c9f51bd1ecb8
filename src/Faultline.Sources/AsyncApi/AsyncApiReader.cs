using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;

namespace Faultline.Sources.AsyncApi;

/// <summary>
/// Reads an AsyncAPI 2.x or 3.x document into the same <see cref="ApiSpec"/> that HTTP interfaces use, so the
/// schema diff and its consumers apply to messages too. Each message the application sends on a channel is an
/// operation <c>SEND /ADDRESS</c> whose "response" is the message payload (consumers read it, so it may not lose
/// or change fields); each message it receives is <c>RECEIVE /ADDRESS</c> whose request body is the payload
/// (producers send it, so it may not demand more). AsyncAPI 2 names operations from the other side:
/// <c>subscribe</c> means the application sends, <c>publish</c> that it receives.
/// </summary>
public static class AsyncApiReader
{
    public static ApiSpec? Read(string file, List<InputDiagnostic> diagnostics, Func<string, string?>? readFile = null)
    {
        var files = new SpecFiles(readFile ?? OpenApiReader.ReadFromDisk, diagnostics);
        if (files.Load(file) is not MapNode root)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, 1), "not an AsyncAPI document: the top is not a mapping"));
            return null;
        }
        var version = root.Str("asyncapi");
        if (version is null || !(version.StartsWith("2.", StringComparison.Ordinal) || version.StartsWith("3.", StringComparison.Ordinal)))
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, (root["asyncapi"] ?? root).Line),
                version is null ? "not an AsyncAPI document: it has no 'asyncapi' key" : $"AsyncAPI version '{version}' is not supported (2.x and 3.x are)"));
            return null;
        }
        var schemas = new SchemaBuilder(files);
        var operations = new List<ApiOperation>();
        var kafka = new List<PendingKafka>();
        var contentType = root.Str("defaultContentType") ?? "application/json";
        if (version.StartsWith('2'))
        {
            foreach (var (name, channelNode) in root.Map("channels")?.Entries ?? [])
            {
                if (files.Resolve(file, channelNode) is not { Node: MapNode channel } located)
                {
                    continue;
                }
                var binding = KafkaBindings.Channel(files, located.File, channel);
                foreach (var (key, method) in new[] { ("subscribe", ApiOperation.Send), ("publish", ApiOperation.Receive) })
                {
                    if (channel[key] is MapNode operation)
                    {
                        var messages = Messages(files, located.File, operation["message"]);
                        kafka.Add(new PendingKafka(operations.Count, binding.Topic ?? name, binding.Partitions, binding.PartitionsAt, messages));
                        operations.Add(Operation(method, name, operation.Str("operationId"), new SourceLocation(located.File, operation.Line), messages, schemas, contentType));
                    }
                }
            }
        }
        else
        {
            var channels = root.Map("channels");
            foreach (var (id, operationNode) in root.Map("operations")?.Entries ?? [])
            {
                if (files.Resolve(file, operationNode) is not { Node: MapNode operation } located)
                {
                    continue;
                }
                var method = operation.Str("action") switch
                {
                    "send" => ApiOperation.Send,
                    "receive" => ApiOperation.Receive,
                    var other => Invalid(diagnostics, located.File, operation, $"operations.{id}.action must be send or receive (got '{other}')"),
                };
                if (method is null || operation["channel"] is not { } channelRef || files.Resolve(located.File, channelRef) is not { Node: MapNode channel } channelAt)
                {
                    continue;
                }
                var address = channel.Str("address") ?? ChannelId(channels, channel) ?? id;
                var messageNodes = operation.List("messages")?.Items ?? (IReadOnlyList<Node>)(channel.Map("messages")?.Entries.Select(e => e.Value).ToList() ?? []);
                var messages = messageNodes.SelectMany(m => Messages(files, operation.List("messages") is null ? channelAt.File : located.File, m)).ToList();
                var binding = KafkaBindings.Channel(files, channelAt.File, channel);
                kafka.Add(new PendingKafka(operations.Count, binding.Topic ?? address, binding.Partitions, binding.PartitionsAt, messages));
                operations.Add(Operation(method, address, id, new SourceLocation(located.File, operation.Line), messages, schemas, contentType));
            }
        }
        schemas.Drain();
        foreach (var pending in kafka)
        {
            operations[pending.Index] = WithKafka(files, operations[pending.Index], pending);
        }
        var info = root.Map("info");
        return new ApiSpec(info?.Str("title") ?? Path.GetFileName(file), info?.Str("version") ?? "", new SourceLocation(file, root.Line), operations) { DescribesHttp = false };
    }

    /// <summary>An operation's channel binding, read before its schemas are filled; the key is read after.</summary>
    private sealed record PendingKafka(int Index, string Topic, int? Partitions, SourceLocation? PartitionsAt, List<(string File, MapNode Message)> Messages);

    private static ApiOperation WithKafka(SpecFiles files, ApiOperation operation, PendingKafka pending)
    {
        var key = pending.Messages.Select(m => KafkaBindings.MessageKey(files, m.File, m.Message)).FirstOrDefault(k => k is not null);
        if (pending.Partitions is null && key is null && pending.Topic == ApiOperation.TopicOf(operation.Path))
        {
            return operation;
        }
        var payload = (operation.RequestBody?.Content ?? operation.Responses.FirstOrDefault()?.Content)?.Values.FirstOrDefault(v => v is not null);
        return operation with
        {
            Kafka = new KafkaBinding(
                ApiOperation.TopicOf(pending.Topic),
                pending.Partitions,
                pending.PartitionsAt,
                key is { } k ? KafkaBindings.KeyField(files, k.File, k.Key, payload) : null,
                key is { } c ? KafkaBindings.Canonical(files, c.File, c.Key) : null,
                key is { } l ? new SourceLocation(l.File, l.Key.Line) : null),
        };
    }

    private static string? Invalid(List<InputDiagnostic> diagnostics, string file, Node at, string message)
    {
        diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, at.Line), message));
        return null;
    }

    private static string? ChannelId(MapNode? channels, MapNode channel) =>
        channels?.Entries.FirstOrDefault(e => ReferenceEquals(e.Value, channel)).Key;

    /// <summary>The messages a node names: one message, a $ref to one, or a oneOf of them.</summary>
    private static List<(string File, MapNode Message)> Messages(SpecFiles files, string file, Node? node)
    {
        var result = new List<(string, MapNode)>();
        if (node is null || files.Resolve(file, node) is not { Node: MapNode message } located)
        {
            return result;
        }
        if (message.List("oneOf") is { } choices)
        {
            foreach (var choice in choices.Items)
            {
                result.AddRange(Messages(files, located.File, choice));
            }
            return result;
        }
        result.Add((located.File, message));
        return result;
    }

    private static ApiOperation Operation(string method, string address, string? id, SourceLocation location, List<(string File, MapNode Message)> messages, SchemaBuilder schemas, string defaultContentType)
    {
        var content = new Dictionary<string, ApiSchema?>(StringComparer.Ordinal);
        foreach (var (file, message) in messages)
        {
            var type = message.Str("contentType") ?? defaultContentType;
            // Several messages of one content type on a channel: any of them may arrive.
            var schema = schemas.Schema(message["payload"], file);
            content[type] = content.TryGetValue(type, out var existing) && existing is not null && schema is not null
                ? new ApiSchema { OneOf = [existing, schema], Location = existing.Location }
                : schema ?? existing;
        }
        var path = ApiOperation.PathOf(address);
        return method == ApiOperation.Send
            ? new ApiOperation(method, path, id, location, [], null, [new ApiResponse("message", content, location)], false)
            : new ApiOperation(method, path, id, location, [], new ApiBody(true, content, location), [], false);
    }
}
