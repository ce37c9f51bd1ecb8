using Faultline.Core.Documents;
using Faultline.Core.Upgrade;

namespace Faultline.Sources.Inputs;

/// <summary>What was read: the Kubernetes objects, other documents that rules of later stages may use, and problems.</summary>
public sealed record ManifestSet(
    IReadOnlyList<Manifest> Manifests,
    IReadOnlyList<InputDiagnostic> Diagnostics,
    int FilesRead)
{
    /// <summary>Mapping documents that are not Kubernetes objects (pact files and the like), with their file.</summary>
    public IReadOnlyList<(string File, MapNode Root)> Others { get; init; } = [];

    /// <summary>Helm charts (Chart.yaml files) found in the input folders.</summary>
    public IReadOnlyList<HelmChart> Charts { get; init; } = [];

    public bool HasErrors => Diagnostics.Any(d => d.Level == DiagnosticLevel.Error);
}
