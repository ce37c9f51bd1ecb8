using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Sources.OpenApi;

/// <summary>Placeholder until the OpenAPI reader lands; the real one reads OpenAPI 3.x and Swagger 2.0.</summary>
public static class OpenApiReader
{
    public static ApiSpec? Read(string file, List<InputDiagnostic> diagnostics, Func<string, string?>? readFile = null)
    {
        diagnostics.Add(new(DiagnosticLevel.Warning, new SourceLocation(file, 0), "OpenAPI reading is not available in this build"));
        return null;
    }
}
