namespace Faultline.Sources.Inputs;

public sealed record InputOptions
{
    /// <summary>Namespace for objects that name none (kubectl's default, or --namespace).</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>Files larger than this are skipped with an error, so one huge file cannot exhaust memory.</summary>
    public long MaxFileBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The kubectl binary used to render kustomizations.</summary>
    public string Kubectl { get; init; } = "kubectl";

    public TimeSpan KustomizeTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Glob patterns (`*`, `**`, `?`) of files not to read, matched against the path below each input folder.</summary>
    public IReadOnlyList<string> IgnorePaths { get; init; } = [];
}
