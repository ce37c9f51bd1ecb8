using Faultline.Core.Documents;

namespace Faultline.Core.Upgrade;

/// <summary>
/// Where a migration that looks like a rename changes what this particular object does. The lifecycle notes say it
/// in general; here the object's own fields show that it is affected.
/// </summary>
internal static class Caveats
{
    public static string? For(Manifest m, ApiLifecycleEntry api)
    {
        var spec = m.Root.Map("spec");
        if (api is { ApiVersion: "policy/v1beta1", Kind: "PodDisruptionBudget" } && spec?.Map("selector") is { } selector
            && selector.Map("matchLabels") is not { Entries.Count: > 0 } && selector.List("matchExpressions") is not { Items.Count: > 0 })
        {
            return $"its empty selector selects no pods under policy/v1beta1 but every pod of namespace {m.Namespace} under policy/v1; write the selector you mean before the move";
        }
        if (api is { ApiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", Kind: "PriorityLevelConfiguration" }
            && spec?.Map("limited")?["nominalConcurrencyShares"] is ScalarNode { Value: "0" })
        {
            return "nominalConcurrencyShares: 0 means 30 in v1beta3 but 0 in flowcontrol v1, which leaves the level no seats; write the number you mean before the move";
        }
        return null;
    }
}
