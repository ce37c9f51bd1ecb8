using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Sources.OpenApi;

/// <summary>
/// Reads paths, operations, parameters, request bodies and responses of one document, in OpenAPI 3.x or
/// Swagger 2.0 form; schemas go to the <see cref="SchemaBuilder"/>.
/// </summary>
internal sealed class OperationReader(SpecFiles files, string file, bool swagger2)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    private static readonly HashSet<string> IdempotentMethods = new(StringComparer.Ordinal) { "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" };

    private readonly SchemaBuilder _schemas = new(files);
    private IReadOnlyList<string> _consumes = ["application/json"];
    private IReadOnlyList<string> _produces = ["application/json"];

    public ApiSpec Read(MapNode root)
    {
        var info = root.Map("info");
        if (swagger2)
        {
            _consumes = MediaTypes(root, "consumes") ?? _consumes;
            _produces = MediaTypes(root, "produces") ?? _produces;
        }
        var operations = new List<ApiOperation>();
        var seen = new Dictionary<string, ApiOperation>(StringComparer.Ordinal);
        if (root["paths"] is MapNode paths)
        {
            foreach (var (path, itemNode) in paths.Entries)
            {
                if (!path.StartsWith('/'))
                {
                    continue;
                }
                if (files.Resolve(file, itemNode) is not { Node: MapNode item } located)
                {
                    continue;
                }
                ReadPathItem(path, item, located.File, operations, seen);
            }
        }
        else if (root["paths"] is null && root["webhooks"] is null && root["components"] is null)
        {
            files.Diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, new SourceLocation(file, root.Line), "the spec has no 'paths'"));
        }
        _schemas.Drain();
        return new ApiSpec(info?.Str("title") ?? "", info?.Str("version") ?? "", new SourceLocation(file, root.Line), operations)
        {
            BasePath = BasePath(root),
        };
    }

    private string BasePath(MapNode root)
    {
        var path = swagger2
            ? root.Str("basePath")
            : root.Maps("servers").Select(s => s.Str("url")).FirstOrDefault(u => u is not null);
        if (path is null)
        {
            return "";
        }
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "" : path[slash..];
        }
        path = path.TrimEnd('/');
        return path.StartsWith('/') ? path : "";
    }

    private void ReadPathItem(string path, MapNode item, string itemFile, List<ApiOperation> operations, Dictionary<string, ApiOperation> seen)
    {
        var shared = Parameters(item["parameters"], itemFile);
        foreach (var (key, value) in item.Entries)
        {
            if (Array.IndexOf(Methods, key) < 0 || value is not MapNode op)
            {
                continue;
            }
            var operation = ReadOperation(key.ToUpperInvariant(), path, op, itemFile, shared);
            if (seen.TryGetValue(operation.Key, out var first))
            {
                files.Diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, operation.Location,
                    $"{operation.Method} {path} is the same operation as {first.Method} {first.Path} ({first.Location}); only the first is used"));
                continue;
            }
            seen[operation.Key] = operation;
            operations.Add(operation);
        }
    }

    private ApiOperation ReadOperation(string method, string path, MapNode op, string opFile, List<RawParameter> shared)
    {
        var own = Parameters(op["parameters"], opFile);
        var merged = new List<RawParameter>(shared);
        foreach (var p in own)
        {
            var i = merged.FindIndex(m => m.Key == p.Key);
            if (i >= 0)
            {
                merged[i] = p;
            }
            else
            {
                merged.Add(p);
            }
        }
        var location = new SourceLocation(opFile, op.Line);
        var parameters = new List<ApiParameter>();
        ApiBody? body = null;
        var form = new List<RawParameter>();
        foreach (var p in merged)
        {
            switch (p.In)
            {
                case "body" when swagger2:
                    var schema = _schemas.Schema(p.Node["schema"], p.File);
                    body = new ApiBody(p.Required, Content(MediaTypes(op, "consumes") ?? _consumes, schema), p.Location);
                    break;
                case "formData" when swagger2:
                    form.Add(p);
                    break;
                default:
                    parameters.Add(new ApiParameter(p.Name, p.In, p.Required, ParameterSchema(p), p.Location));
                    break;
            }
        }
        if (swagger2 && form.Count > 0 && body is null)
        {
            body = FormBody(op, form);
        }
        else if (!swagger2 && op["requestBody"] is { } requestBody)
        {
            body = RequestBody(requestBody, opFile);
        }
        var idempotent = op.Bool("x-idempotent")
            ?? (IdempotentMethods.Contains(method)
                || parameters.Any(p => p.In == "header" && string.Equals(p.Name, "Idempotency-Key", StringComparison.OrdinalIgnoreCase)));
        return new ApiOperation(method, path, op.Str("operationId"), location, parameters, body, Responses(op, opFile), idempotent);
    }

    private sealed record RawParameter(string Name, string In, bool Required, MapNode Node, string File, SourceLocation Location)
    {
        /// <summary>Header names ignore case; the rest are matched as written.</summary>
        public string Key => In == "header" ? $"header:{Name.ToLowerInvariant()}" : $"{In}:{Name}";
    }

    private List<RawParameter> Parameters(Node? list, string listFile)
    {
        var result = new List<RawParameter>();
        if (list is not ListNode items)
        {
            return result;
        }
        foreach (var item in items.Items)
        {
            if (files.Resolve(listFile, item) is not { Node: MapNode node } located)
            {
                continue;
            }
            var location = new SourceLocation(located.File, node.Line);
            var name = node.Str("name");
            var where = node.Str("in");
            if (name is null || where is null)
            {
                files.Diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, location, "parameter without 'name' or 'in'; skipped"));
                continue;
            }
            var required = where == "path" || node.Bool("required") == true;
            result.Add(new RawParameter(name, where, required, node, located.File, location));
        }
        return result;
    }

    private ApiSchema? ParameterSchema(RawParameter p)
    {
        if (p.Node["schema"] is { } schema)
        {
            return _schemas.Schema(schema, p.File);
        }
        if (p.Node["content"] is MapNode content && content.Entries.Count > 0 && content.Entries[0].Value is MapNode media)
        {
            return _schemas.Schema(media["schema"], p.File);
        }
        // Swagger 2 puts the schema keywords (type, format, items, enum, bounds) on the parameter itself.
        return swagger2 && p.Node["type"] is not null ? _schemas.Schema(p.Node, p.File) : null;
    }

    private ApiBody FormBody(MapNode op, List<RawParameter> form)
    {
        var properties = new Dictionary<string, ApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in form)
        {
            properties[p.Name] = ParameterSchema(p) ?? new ApiSchema { Location = p.Location };
            if (p.Required)
            {
                required.Add(p.Name);
            }
        }
        var schema = new ApiSchema
        {
            Types = ["object"],
            Properties = properties,
            Required = required,
            Location = form[0].Location,
        };
        var declared = MediaTypes(op, "consumes");
        var mediaTypes = declared ?? (form.Any(p => p.Node.Str("type") == "file") ? ["multipart/form-data"] : ["application/x-www-form-urlencoded"]);
        return new ApiBody(form.Any(p => p.Required), Content(mediaTypes, schema), form[0].Location);
    }

    private ApiBody? RequestBody(Node node, string bodyFile)
    {
        if (files.Resolve(bodyFile, node) is not { Node: MapNode body } located)
        {
            return null;
        }
        return new ApiBody(body.Bool("required") == true, Content(body["content"], located.File), new SourceLocation(located.File, body.Line));
    }

    private List<ApiResponse> Responses(MapNode op, string opFile)
    {
        var result = new List<ApiResponse>();
        if (op["responses"] is not MapNode responses)
        {
            return result;
        }
        foreach (var (status, node) in responses.Entries)
        {
            if (status.StartsWith("x-", StringComparison.Ordinal) || files.Resolve(opFile, node) is not { Node: MapNode response } located)
            {
                continue;
            }
            var content = swagger2
                ? Content(MediaTypes(op, "produces") ?? _produces, _schemas.Schema(response["schema"], located.File), response["schema"] is null)
                : Content(response["content"], located.File);
            result.Add(new ApiResponse(status.Length == 3 ? status.ToUpperInvariant() : status, content, new SourceLocation(located.File, response.Line))
            {
                Headers = Headers(response["headers"], located.File),
            });
        }
        return result;
    }

    /// <summary>Response headers: OpenAPI 3 header objects carry a schema, Swagger 2 ones the schema keywords themselves.</summary>
    private List<ApiHeader> Headers(Node? node, string headersFile)
    {
        var result = new List<ApiHeader>();
        if (node is not MapNode headers)
        {
            return result;
        }
        foreach (var (name, value) in headers.Entries)
        {
            if (files.Resolve(headersFile, value) is not { Node: MapNode header } located)
            {
                continue;
            }
            var schema = swagger2 ? _schemas.Schema(header, located.File) : _schemas.Schema(header["schema"], located.File);
            // Swagger 2 has no `required` on response headers: they are documented, not promised.
            result.Add(new ApiHeader(name, schema, new SourceLocation(located.File, header.Line)) { Required = !swagger2 && header.Str("required") == "true" });
        }
        return result;
    }

    private Dictionary<string, ApiSchema?> Content(Node? node, string contentFile)
    {
        var result = new Dictionary<string, ApiSchema?>(StringComparer.OrdinalIgnoreCase);
        if (node is not MapNode content)
        {
            return result;
        }
        foreach (var (mediaType, value) in content.Entries)
        {
            var media = files.Resolve(contentFile, value);
            result[mediaType] = media is { Node: MapNode m } ? _schemas.Schema(m["schema"], media.Value.File) : null;
        }
        return result;
    }

    private static Dictionary<string, ApiSchema?> Content(IReadOnlyList<string> mediaTypes, ApiSchema? schema, bool empty = false)
    {
        var result = new Dictionary<string, ApiSchema?>(StringComparer.OrdinalIgnoreCase);
        if (!empty)
        {
            foreach (var mediaType in mediaTypes)
            {
                result[mediaType] = schema;
            }
        }
        return result;
    }

    private static IReadOnlyList<string>? MediaTypes(MapNode node, string key) =>
        node.List(key) is { } list ? [.. list.Items.OfType<ScalarNode>().Select(s => s.Value)] : null;
}
