namespace Faultline.Core.Documents;

/// <summary>One Kubernetes object as read from the input, with its file and line.</summary>
public sealed class Manifest
{
    public Manifest(MapNode root, SourceLocation location, string defaultNamespace)
    {
        Root = root;
        Location = location;
        ApiVersion = root.Str("apiVersion") ?? "";
        Kind = root.Str("kind") ?? "";
        var metadata = root.Map("metadata");
        Name = metadata?.Str("name") ?? metadata?.Str("generateName") ?? "";
        Namespace = metadata?.Str("namespace") ?? defaultNamespace;
        Labels = metadata?.StringMap("labels") ?? new Dictionary<string, string>();
        Annotations = metadata?.StringMap("annotations") ?? new Dictionary<string, string>();
    }

    public MapNode Root { get; }

    public SourceLocation Location { get; }

    public string ApiVersion { get; }

    public string Kind { get; }

    public string Name { get; }

    public string Namespace { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyDictionary<string, string> Annotations { get; }

    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    public SourceLocation At(Node? node) => Location.At(node);

    public override string ToString() => $"{Kind}/{Name}";
}
