using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Sources.OpenApi;

/// <summary>
/// Reads an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document (YAML or JSON) into an <see cref="ApiSpec"/> with every
/// <c>$ref</c> resolved, within the file and to sibling files. Problems are added to the diagnostics with file and
/// line, and the rest is still read; only a file that is not such a document at all gives null.
/// </summary>
public static class OpenApiReader
{
    /// <param name="file">The spec, as the user named it; locations and sibling $refs are relative to it.</param>
    /// <param name="diagnostics">Where input problems are collected.</param>
    /// <param name="readFile">Reads a file's text, null when it cannot; defaults to the file system. Change mode
    /// passes one that reads from a git tree, tests one that reads from memory.</param>
    public static ApiSpec? Read(string file, List<InputDiagnostic> diagnostics, Func<string, string?>? readFile = null)
    {
        var files = new SpecFiles(readFile ?? ReadFromDisk, diagnostics);
        var root = files.Load(file);
        if (root is null)
        {
            return null;
        }
        var location = new SourceLocation(file, root.Line);
        if (root is not MapNode map)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location, "not an OpenAPI or Swagger document: the top is not a mapping"));
            return null;
        }
        var openapi = map.Str("openapi");
        var swagger = map.Str("swagger");
        if (openapi is not null && !openapi.StartsWith("3.", StringComparison.Ordinal))
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location.At(map["openapi"]), $"OpenAPI version '{openapi}' is not supported (3.0 and 3.1 are, and Swagger 2.0)"));
            return null;
        }
        if (openapi is null && swagger is not null && !swagger.StartsWith('2'))
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location.At(map["swagger"]), $"Swagger version '{swagger}' is not supported (2.0 is, and OpenAPI 3.0 and 3.1)"));
            return null;
        }
        if (openapi is null && swagger is null)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, location, "not an OpenAPI or Swagger document: it has no 'openapi' or 'swagger' key"));
            return null;
        }
        return new OperationReader(files, file, swagger2: openapi is null).Read(map);
    }

    /// <summary>A file's text, or null when it does not exist or cannot be read (the caller reports it with its location).</summary>
    internal static string? ReadFromDisk(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
