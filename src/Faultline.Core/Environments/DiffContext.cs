using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Findings;

namespace Faultline.Core.Environments;

/// <summary>
/// What every comparer needs while two environments are compared: their labels, how A's namespaces read in B, what
/// each environment calls itself (to spot one pointing into the other), and the list differences are added to.
/// </summary>
internal sealed partial class DiffContext
{
    private static readonly Dictionary<string, string[]> EnvironmentWords = new(StringComparer.Ordinal)
    {
        ["dev"] = ["dev", "development"],
        ["development"] = ["dev", "development"],
        ["test"] = ["test", "testing"],
        ["testing"] = ["test", "testing"],
        ["qa"] = ["qa"],
        ["uat"] = ["uat"],
        ["sandbox"] = ["sandbox"],
        ["stage"] = ["stage", "staging", "stg"],
        ["staging"] = ["stage", "staging", "stg"],
        ["stg"] = ["stage", "staging", "stg"],
        ["preprod"] = ["preprod"],
        ["prod"] = ["prod", "production", "prd"],
        ["production"] = ["prod", "production", "prd"],
        ["prd"] = ["prod", "production", "prd"],
    };

    private readonly List<(Regex Pattern, string To)> _namespaceRewrites = [];
    private readonly HashSet<string> _wordsA;
    private readonly HashSet<string> _wordsB;

    public DiffContext(EnvSnapshot a, EnvSnapshot b, EnvDiffOptions options)
    {
        A = a.Label;
        B = b.Label;
        Options = options;
        NamespaceMap = options.NamespaceMap;
        foreach (var (from, to) in NamespaceMap.Where(kv => kv.Key != kv.Value).OrderByDescending(kv => kv.Key.Length))
        {
            _namespaceRewrites.Add((new Regex($"(?<![A-Za-z0-9-]){Regex.Escape(from)}(?![A-Za-z0-9-])", RegexOptions.CultureInvariant), to));
        }
        // In-cluster addresses name a namespace; one that only the other environment has points into it. A's
        // namespaces mapped onto B's are still A's own names.
        NamespacesOnlyInA = a.Model.Namespaces.Where(n => !b.Model.Namespaces.Contains(n) && !Shared(n)).ToHashSet(StringComparer.Ordinal);
        NamespacesOnlyInB = b.Model.Namespaces.Where(n => !a.Model.Namespaces.Contains(n) && !Shared(n)).ToHashSet(StringComparer.Ordinal);
        var wordsA = Words(a.Label, a.Model.Namespaces);
        var wordsB = Words(b.Label, b.Model.Namespaces);
        _wordsA = wordsA.Except(wordsB).ToHashSet(StringComparer.Ordinal);
        _wordsB = wordsB.Except(wordsA).ToHashSet(StringComparer.Ordinal);
    }

    public string A { get; }

    public string B { get; }

    public EnvDiffOptions Options { get; }

    public IReadOnlyDictionary<string, string> NamespaceMap { get; }

    public HashSet<string> NamespacesOnlyInA { get; }

    public HashSet<string> NamespacesOnlyInB { get; }

    public List<EnvDifference> Found { get; } = [];

    public string Label(bool a) => a ? A : B;

    public string MapNamespace(string ns) => NamespaceMap.GetValueOrDefault(ns) ?? ns;

    /// <summary>A's value with A's namespaces written as B's, so "payment.staging.svc" equals "payment.prod.svc".</summary>
    public string NormalizeA(string value)
    {
        foreach (var (pattern, to) in _namespaceRewrites)
        {
            value = pattern.Replace(value, to);
        }
        return value;
    }

    /// <summary>
    /// The word of a value on one side that names the other environment: a namespace only the other has, or an
    /// environment word ("staging", "prod") of the other's label or namespaces that this side does not use.
    /// </summary>
    public string? PointsIntoOther(string value, bool valueIsFromA)
    {
        var otherNamespaces = valueIsFromA ? NamespacesOnlyInB : NamespacesOnlyInA;
        var otherWords = valueIsFromA ? _wordsB : _wordsA;
        foreach (var ns in otherNamespaces)
        {
            // In-cluster names only: "orders.shop-staging", "orders.shop-staging:8080", "orders.shop-staging.svc...";
            // "staging.shop.example.com" is a public host that happens to contain a namespace's name.
            var at = value.IndexOf("." + ns, StringComparison.Ordinal);
            while (at >= 0)
            {
                var end = at + 1 + ns.Length;
                if (at > 0 && (end == value.Length || value[end] is ':' or '/' || value.AsSpan(end).StartsWith(".svc", StringComparison.Ordinal)))
                {
                    return ns;
                }
                at = value.IndexOf("." + ns, end, StringComparison.Ordinal);
            }
        }
        foreach (var word in WordSplit().Split(value.ToLowerInvariant()))
        {
            if (otherWords.Contains(word))
            {
                return word;
            }
        }
        return null;
    }

    private static HashSet<string> Words(string label, IEnumerable<string> namespaces)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in namespaces.Append(label))
        {
            foreach (var w in WordSplit().Split(text.ToLowerInvariant()))
            {
                if (EnvironmentWords.TryGetValue(w, out var synonyms))
                {
                    words.UnionWith(synonyms);
                }
            }
        }
        return words;
    }

    private static bool Shared(string ns) => ns is "default" or "kube-system" or "kube-public" or "istio-system" or "linkerd";

    public void Add(
        DiffClass cls,
        Severity severity,
        string kind,
        string ns,
        string name,
        string? scope,
        string field,
        (string? Shown, SourceLocation? Where) a,
        (string? Shown, SourceLocation? Where) b,
        string summary,
        string risk,
        string? configKey = null,
        bool hostOnly = false,
        decimal? replicaRatio = null)
    {
        Found.Add(new EnvDifference
        {
            Class = cls,
            Severity = severity,
            Kind = kind,
            Namespace = ns,
            Name = name,
            Scope = scope,
            Field = field,
            ConfigKey = configKey,
            A = new EnvValue(a.Shown, a.Where),
            B = new EnvValue(b.Shown, b.Where),
            Summary = summary,
            Risk = risk,
            HostOnly = hostOnly,
            ReplicaRatio = replicaRatio,
        });
    }

    /// <summary>Adds a difference about one object matched on both sides, located in each.</summary>
    public void Add(DiffClass cls, Severity severity, Manifest a, Manifest b, string? scope, string field,
        string? shownA, Node? nodeA, string? shownB, Node? nodeB, string summary, string risk,
        string? configKey = null, bool hostOnly = false, decimal? replicaRatio = null) =>
        Add(cls, severity, b.Kind, b.Namespace, ObjectKey.NameOf(b), scope, field, (shownA, a.At(nodeA)), (shownB, b.At(nodeB)),
            summary, risk, configKey, hostOnly, replicaRatio);

    [GeneratedRegex(@"[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordSplit();
}
