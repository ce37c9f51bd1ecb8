namespace Faultline.Core.Documents;

public enum DiagnosticLevel
{
    /// <summary>Shown only with --verbose: a file that is not a Kubernetes object, skipped on purpose.</summary>
    Note,
    Warning,
    Error,
}

/// <summary>A problem with the input itself (not a finding): what was wrong and where.</summary>
public sealed record InputDiagnostic(DiagnosticLevel Level, SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Level.ToString().ToLowerInvariant()}: {Message}";
}
