using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Availability;

internal sealed class PdbMatchesNothingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "availability.pdb-matches-nothing",
        Severity.Low,
        "PodDisruptionBudget selects no pods",
        "A PodDisruptionBudget's selector matches no pod template in its namespace, so it protects nothing.",
        "Make the selector match the pod template labels of the workload it is meant to protect.",
        """
        A budget that selects nothing is silent: drains evict the pods it was meant to protect all at once. Usually a
        label was renamed on the workload and not on the budget. An empty selector (`{}`) in policy/v1 selects every
        pod of the namespace and is not flagged when the namespace has workloads; a missing selector selects nothing.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var pdb in context.Model.DisruptionBudgets)
        {
            if (context.Model.WorkloadsMatching(pdb.Namespace, pdb.Selector).Any())
            {
                continue;
            }
            yield return context.ForObject(pdb.Manifest, pdb.Name, pdb.Manifest.Root.Map("spec")?["selector"],
                $"PodDisruptionBudget '{pdb.Name}' selects {(pdb.Selector.Invalid ? (pdb.Manifest.Root.Map("spec")?["selector"] is null ? "nothing (no selector)" : "nothing (an empty selector in policy/v1beta1)") : pdb.Selector.Empty ? "every pod ({})" : pdb.Selector.ToString())}, which matches no pod template in namespace {pdb.Namespace}",
                "the budget protects the pods of a workload during drains",
                $"no long-running workload in namespace {pdb.Namespace} has labels matching the selector");
        }
    }
}
