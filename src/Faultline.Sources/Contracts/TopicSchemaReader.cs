using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;

namespace Faultline.Sources.Contracts;

/// <summary>
/// Turns faultline.yaml `produces: - topic: T, schema: FILE` into the message a service sends on T: an operation
/// <c>SEND /T</c> whose payload is the JSON Schema in FILE (JSON or YAML, $refs within it and to sibling files
/// resolved as in OpenAPI), so the contract rules treat it like an AsyncAPI message.
/// </summary>
internal static class TopicSchemaReader
{
    private static readonly string[] SchemaKeywords =
    [
        "$schema", "$ref", "type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const", "required", "additionalProperties",
    ];

    /// <summary>The SEND operations of the produced topics that name a schema; problems become diagnostics with file:line.</summary>
    public static List<ApiOperation> Read(string assumptionsFile, IEnumerable<TopicAssumption> produced, List<InputDiagnostic> diagnostics, Func<string, string?> readFile)
    {
        var operations = new List<ApiOperation>();
        var files = new SpecFiles(readFile, diagnostics);
        var schemas = new SchemaBuilder(files);
        foreach (var topic in produced.Where(t => t.Produces && t.Schema is not null))
        {
            var path = ContractLoader.Relative(assumptionsFile, topic.Schema!);
            if (readFile(path) is null)
            {
                diagnostics.Add(new(DiagnosticLevel.Error, topic.Location, $"schema {path} of topic {topic.Topic} does not exist"));
                continue;
            }
            if (files.Load(path) is not MapNode root)
            {
                if (!diagnostics.Any(d => d.Location.File == path && d.Level == DiagnosticLevel.Error))
                {
                    diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, 1), $"not a JSON Schema: the top of the schema of topic {topic.Topic} is not an object"));
                }
                continue;
            }
            if (!root.Entries.Any(e => SchemaKeywords.Contains(e.Key)))
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, root.Line),
                    $"not a JSON Schema: the schema of topic {topic.Topic} has none of {string.Join(", ", SchemaKeywords)}"));
                continue;
            }
            var location = new SourceLocation(path, root.Line);
            var content = new Dictionary<string, ApiSchema?>(StringComparer.Ordinal) { ["application/json"] = schemas.Schema(root, path) };
            operations.Add(new ApiOperation(ApiOperation.Send, ApiOperation.PathOf(topic.Topic), null, location, [], null,
                [new ApiResponse("message", content, location)], false));
        }
        schemas.Drain();
        return operations;
    }
}
