using Faultline.Core.Documents;
using Faultline.Core.Model;

namespace Faultline.Core.Upgrade;

/// <summary>Who owns an object, read from its owner/team labels or annotations.</summary>
internal static class Owners
{
    public const string Unowned = "unowned";

    /// <summary>Cluster-wide work (control plane, nodes) that belongs to whoever runs the upgrade.</summary>
    public const string ClusterOperator = "cluster operator";

    private static readonly string[] Keys = ["owner", "team"];

    /// <summary>
    /// The first of: label owner, label team, annotation owner, annotation team, then prefixed keys
    /// (example.com/owner) in the same order; for a workload the pod template's labels count too.
    /// </summary>
    public static string Of(Manifest manifest, Workload? workload = null)
    {
        var sources = new List<IReadOnlyDictionary<string, string>> { manifest.Labels };
        if (workload is not null)
        {
            sources.Add(workload.PodLabels);
        }
        sources.Add(workload?.Annotations ?? manifest.Annotations);
        return Of(sources);
    }

    public static string Of(IReadOnlyList<IReadOnlyDictionary<string, string>> sources)
    {
        foreach (var exact in new[] { true, false })
        {
            foreach (var map in sources)
            {
                foreach (var key in Keys)
                {
                    var value = exact
                        ? map.GetValueOrDefault(key)
                        : map.Where(kv => kv.Key.EndsWith("/" + key, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).FirstOrDefault();
                    if (!string.IsNullOrWhiteSpace(value))
                    {
                        return value.Trim();
                    }
                }
            }
        }
        return Unowned;
    }
}

/// <summary>Built-in kinds that live outside namespaces, so a plan does not print the default namespace for them.</summary>
internal static class ClusterScoped
{
    private static readonly HashSet<string> Kinds = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "IngressClass", "FlowSchema", "PriorityLevelConfiguration", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "CSIDriver",
        "CSINode", "VolumeAttachment", "RuntimeClass", "PodSecurityPolicy", "CertificateSigningRequest",
        "ComponentStatus", "DeviceClass", "ResourceSlice", "VolumeAttributesClass", "StorageVersionMigration",
        "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "ClusterTrustBundle",
    };

    public static bool Contains(string kind) => Kinds.Contains(kind);
}
