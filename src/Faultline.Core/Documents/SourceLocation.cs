namespace Faultline.Core.Documents;

/// <summary>Where something came from: a file (as the user named it) and a 1-based line, 0 when unknown.</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;

    public SourceLocation At(Node? node) => node is null ? this : new SourceLocation(node.File ?? File, node.Line);
}
