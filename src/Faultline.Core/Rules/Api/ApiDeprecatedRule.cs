using Faultline.Core.Findings;
using Faultline.Core.Settings;
using Faultline.Core.Upgrade;

namespace Faultline.Core.Rules.Api;

internal sealed class ApiDeprecatedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "api.deprecated",
        Severity.Low,
        "API version deprecated in the target Kubernetes release",
        "An object uses an apiVersion that is deprecated at the Kubernetes release given with --kubernetes-version and still served.",
        "Move the object to the replacement apiVersion before the release that removes it; until then every request through the old version draws a deprecation warning.",
        """
        A deprecated API keeps working, but the API server answers every request with a warning and counts it in
        `apiserver_requested_deprecated_apis`, and most deprecations end in a removal a few releases later (see
        `api.removed`). Some never do: v1 Endpoints is deprecated from 1.33 in favour of EndpointSlices with no
        removal planned. The check runs only when a target release is given (`--kubernetes-version`, or
        `kubernetesVersion` in settings) and uses Faultline's own API lifecycle table.
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
            if (!api.IsDeprecatedAt(target) || !api.IsServedAt(target))
            {
                continue;
            }
            var until = api.RemovedIn is { } r ? $"removed in {r}" : "no removal scheduled";
            yield return context.ForObject(m, ApiUsage.ServiceOf(context.Model, m), m.Root["apiVersion"],
                $"{m.Kind} '{m.Name}' uses {m.ApiVersion}, deprecated since Kubernetes {api.DeprecatedIn} ({until})",
                $"{m.ApiVersion} {m.Kind} stays a supported API in Kubernetes {target}",
                ApiUsage.Evidence(api));
        }
    }
}
