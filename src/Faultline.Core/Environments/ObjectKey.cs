using System.Text.RegularExpressions;
using Faultline.Core.Documents;

namespace Faultline.Core.Environments;

/// <summary>
/// How an object is recognised in both environments: kind, namespace (A's mapped to B's) and name. ConfigMaps and
/// Secrets from a kustomize generator carry a content hash in their name ("settings-7g2k9m4t5b"), which differs
/// whenever the content does, so the hash is left out.
/// </summary>
internal readonly partial record struct ObjectKey(string Kind, string Namespace, string Name)
{
    public static ObjectKey Of(Manifest m, Func<string, string> mapNamespace) => new(m.Kind, mapNamespace(m.Namespace), NameOf(m));

    public static string NameOf(Manifest m) => NameOf(m.Kind, m.Name);

    public static string NameOf(string kind, string name) => kind is "ConfigMap" or "Secret" ? StripHash(name) : name;

    public static string StripHash(string name) => GeneratorHash().Replace(name, "");

    public override string ToString() => $"{Namespace}/{Kind}/{Name}";

    // kustomize encodes the hash with these characters only (hex with 0, 1, 3, a and e replaced).
    [GeneratedRegex("-[2456789bcdfghkmt]{10}$", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratorHash();
}

/// <summary>An image reference split into repository, tag and digest.</summary>
internal sealed record ImageRef(string Repository, string? Tag, string? Digest)
{
    public static ImageRef Parse(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var digest = at >= 0 ? image[(at + 1)..] : null;
        var name = at >= 0 ? image[..at] : image;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? new ImageRef(name[..colon], name[(colon + 1)..], digest) : new ImageRef(name, null, digest);
    }

    /// <summary>"sha256:9c4e2b7d1f0a" : enough of a digest to tell two apart.</summary>
    public static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;
}

/// <summary>A node as canonical text (map keys sorted), so two subtrees compare by meaning, not by layout.</summary>
internal static class NodeText
{
    public static string Canonical(Node? node) => node switch
    {
        null => "",
        ScalarNode s => s.IsNull ? "null" : s.Value,
        ListNode l => "[" + string.Join(", ", l.Items.Select(Canonical)) + "]",
        MapNode m => "{" + string.Join(", ", m.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {Canonical(e.Value)}")) + "}",
        _ => "",
    };

    /// <summary>The items of a list as canonical texts, sorted: for lists whose order means nothing (tolerations).</summary>
    public static IReadOnlyList<string> Set(ListNode? list) =>
        list?.Items.Select(Canonical).Order(StringComparer.Ordinal).ToList() ?? [];
}
