using Faultline.Core.Findings;
using Faultline.Core.Settings;
using Faultline.Core.Upgrade;

namespace Faultline.Core.Rules.Api;

internal sealed class ApiRemovedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "api.removed",
        Severity.Critical,
        "API version not served by the target Kubernetes release",
        "An object uses an apiVersion that the Kubernetes release given with --kubernetes-version no longer serves, so applying it fails.",
        "Move the object to the replacement apiVersion (mind the behaviour changes listed in the finding); `faultline upgrade plan` says whether the move can ship before the upgrade.",
        """
        Kubernetes stops serving deprecated API versions on a published schedule: from that release on, `kubectl
        apply`, Helm and GitOps controllers get "no matches for kind" and the object cannot be created or updated.
        The check runs only when a target release is given (`--kubernetes-version`, or `kubernetesVersion` in
        settings) and uses Faultline's own API lifecycle table (1.16 to its last known release; see
        src/Faultline.Core/Upgrade/Data/PROVENANCE.md). A FooList shares the lifecycle of Foo. Several moves are not
        plain renames: the finding lists what else changes (for example Ingress pathType, HPA metric targets,
        PodDisruptionBudget empty selectors).
        """);

    public override bool AppliesTo(CheckSettings settings) => settings.KubernetesVersion is not null;

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        if (context.Settings.KubernetesVersion is not { } target)
        {
            yield break;
        }
        foreach (var (m, api) in ApiUsage.Find(context.Model, ApiLifecycle.Builtin))
        {
            if (api.IsServedAt(target))
            {
                continue;
            }
            yield return context.ForObject(m, ApiUsage.ServiceOf(context.Model, m), m.Root["apiVersion"],
                $"{m.Kind} '{m.Name}' uses {m.ApiVersion}, which Kubernetes {target} does not serve (removed in {api.RemovedIn}): applying it fails",
                $"{m.ApiVersion} {m.Kind} exists in Kubernetes {target}",
                ApiUsage.Evidence(api));
        }
    }
}
