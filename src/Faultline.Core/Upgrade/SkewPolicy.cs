using Faultline.Core.Model;

namespace Faultline.Core.Upgrade;

/// <summary>
/// The Kubernetes version skew policy (https://kubernetes.io/releases/version-skew-policy/) applied to one step.
/// Versions are taken as they are now: a check says whether a component left at that version stays within the
/// policy while kube-apiserver moves to the step's target, so a plan shows how far the control plane can go
/// before nodes have to follow.
/// </summary>
internal static class SkewPolicy
{
    public const string Kubelet = "kubelet";
    public const string KubeProxy = "kube-proxy";
    public const string ControllerManager = "kube-controller-manager";
    public const string Scheduler = "kube-scheduler";
    public const string Kubectl = "kubectl";

    /// <summary>Image names of the components whose versions can be read from static pods or DaemonSets.</summary>
    private static readonly Dictionary<string, string> ComponentImages = new(StringComparer.Ordinal)
    {
        ["kube-controller-manager"] = ControllerManager,
        ["kube-scheduler"] = Scheduler,
        ["kube-proxy"] = KubeProxy,
    };

    /// <summary>Kubelet versions of Node objects, and control-plane component versions from their images.</summary>
    public static IEnumerable<ComponentVersion> FromModel(SystemModel model)
    {
        foreach (var m in model.Manifests)
        {
            if (m.Kind == "Node" && m.ApiVersion == "v1")
            {
                var info = m.Root.Map("status")?.Map("nodeInfo");
                if (KubeVersion.TryParse(info?.Str("kubeletVersion"), out var v))
                {
                    yield return new ComponentVersion(Kubelet, v, new VersionSource($"Node {m.Name}", m.At(info?["kubeletVersion"])));
                }
            }
        }
        foreach (var w in model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                if (c.Image is null)
                {
                    continue;
                }
                var (repository, tag) = ImageReference.Split(c.Image);
                var name = repository[(repository.LastIndexOf('/') + 1)..];
                if (ComponentImages.TryGetValue(name, out var component) && KubeVersion.TryParse(tag, out var v))
                {
                    yield return new ComponentVersion(component, v, new VersionSource($"{w.Kind} {w.Name}", w.Manifest.At(c.Node["image"])));
                }
            }
        }
    }

    public static IReadOnlyList<SkewCheck> Check(KubeVersion from, KubeVersion to, IReadOnlyList<ComponentVersion> versions)
    {
        var checks = new List<SkewCheck>();
        const string nodePolicy = "may be up to 3 minors older than kube-apiserver, never newer";
        const string controlPolicy = "may be 1 minor older than kube-apiserver, never newer";
        Node(Kubelet, nodePolicy, 3,
            $"no kubelet versions given (--kubelet-version, or Node objects in the input): nodes must run {to.Plus(-3)} to {from} while kube-apiserver moves to {to}");
        Node(KubeProxy, nodePolicy, 3, null);
        Node(ControllerManager, controlPolicy, 1,
            $"upgrade kube-controller-manager to {to} right after kube-apiserver; {from} keeps working in between");
        Node(Scheduler, controlPolicy, 1,
            $"upgrade kube-scheduler to {to} right after kube-apiserver; {from} keeps working in between");
        checks.Add(new SkewCheck(Kubectl, "within 1 minor of kube-apiserver, older or newer", null, [], SkewStatus.Guidance,
            $"use kubectl {from} or {to} during the step: both work against kube-apiserver {from} and {to}"));
        return checks;

        void Node(string component, string policy, int maxOlder, string? guidance)
        {
            var groups = versions.Where(v => v.Component == component).GroupBy(v => v.Version).OrderBy(g => g.Key).ToList();
            if (groups.Count == 0)
            {
                if (guidance is not null)
                {
                    checks.Add(new SkewCheck(component, policy, null, [], SkewStatus.Guidance, guidance));
                }
                return;
            }
            foreach (var g in groups)
            {
                var v = g.Key;
                var sources = g.Select(x => x.Source).ToList();
                var oldest = to.Plus(-maxOlder);
                var (status, message) = v > to
                    ? (SkewStatus.Violation, $"{component} {v} is newer than kube-apiserver {to}; it may never be newer")
                    : v > from
                        ? (SkewStatus.Violation, $"{component} {v} is newer than kube-apiserver {from}, which runs until the control plane is upgraded; upgrade kube-apiserver first")
                        : v < oldest
                            ? (SkewStatus.Violation, $"{component} {v} would be {to.MinorsAfter(v)} minors older than kube-apiserver {to} (at most {maxOlder}); upgrade it to at least {oldest} before the control plane moves to {to}")
                            : (SkewStatus.Ok, $"{component} {v} works with kube-apiserver {from} and {to}");
                checks.Add(new SkewCheck(component, policy, v, sources, status, message));
            }
        }
    }
}
