using Faultline.Core.Documents;
using Faultline.Core.Upgrade;

namespace Faultline.Sources.Helm;

/// <summary>Reads a Helm chart's Chart.yaml: its name, version, the Kubernetes versions it admits, and its owner.</summary>
public static class ChartMetadata
{
    public const string FileName = "Chart.yaml";

    /// <summary>Helm looks for exactly this name, so a differently cased file is not a chart.</summary>
    public static bool IsChartFile(string path) => Path.GetFileName(path) == FileName;

    public static HelmChart? Read(Node root, string file, List<InputDiagnostic> diagnostics)
    {
        var location = new SourceLocation(file, root.Line);
        if (root is not MapNode map || map.Str("name") is not { } name)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Warning, location, "Chart.yaml has no name; not read as a Helm chart"));
            return null;
        }
        var annotations = map.StringMap("annotations");
        var kubeVersion = map["kubeVersion"];
        return new HelmChart(
            name,
            map.Str("version"),
            kubeVersion?.Text is { Length: > 0 } text ? text : null,
            kubeVersion is null ? location : location.At(kubeVersion),
            annotations.GetValueOrDefault("owner") ?? annotations.GetValueOrDefault("team") ?? "unowned");
    }
}
