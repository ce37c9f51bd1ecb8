using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>Where an address was found: which variable, ConfigMap key or argument, and its line.</summary>
public sealed record EdgeEvidence(string Source, string Value, SourceLocation Location)
{
    public override string ToString() => $"{Source}={Value} ({Location})";
}

/// <summary>
/// A caller addressing an in-cluster host. The target is the addressed Service; Target is null when no
/// Service of that name exists in the input.
/// </summary>
public sealed record Edge(
    string FromKind,
    string FromName,
    string FromNamespace,
    string Host,
    string TargetName,
    string TargetNamespace,
    int? Port,
    bool PortImplied,
    Service? Target,
    EdgeEvidence Evidence,
    Manifest FromManifest)
{
    public string From => $"{FromNamespace}/{FromName}";

    public string To => $"{TargetNamespace}/{TargetName}";
}

/// <summary>A call a team declared (faultline.yaml, a pact, Backstage) rather than one a manifest wires.</summary>
public sealed record DeclaredCall(string FromNamespace, string From, string ToNamespace, string To, EdgeEvidence Evidence);
