using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Reference;

internal sealed class SelectorMatchesNothingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "reference.selector-matches-nothing",
        Severity.High,
        "Service selects no pods",
        "A Service's selector matches no pod template in its namespace, so it has no endpoints.",
        "Make the Service's selector a subset of the pod template labels of the workload it fronts (check for typos).",
        """
        Kubernetes accepts a Service whose selector matches nothing and shows every object green, yet every call to
        it fails: there are no endpoints. Faultline compares the selector with the pod template labels of every
        long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod) in the same namespace. Services
        without a selector (manual Endpoints, ExternalName) are skipped. The finding names the closest pod template,
        which usually shows the typo.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var s in context.Model.Services)
        {
            if (s.Selector is not { Count: > 0 } selector || context.Model.WorkloadsOf(s).Count > 0)
            {
                continue;
            }
            var closest = context.Model.Workloads
                .Where(w => w.Namespace == s.Namespace && !w.RunsToCompletion)
                .Select(w => (w, score: selector.Count(kv => w.PodLabels.TryGetValue(kv.Key, out var v) && v == kv.Value)))
                .OrderByDescending(x => x.score)
                .ThenBy(x => LabelDistance(selector, x.w.PodLabels))
                .FirstOrDefault();
            var selectorText = string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}"));
            var evidence = closest.w is null
                ? $"no long-running workload in namespace {s.Namespace}"
                : $"closest pod template: {closest.w} with labels {string.Join(",", closest.w.PodLabels.Select(kv => $"{kv.Key}={kv.Value}"))} ({closest.w.Manifest.Location})";
            yield return context.ForObject(s.Manifest, s.Name, s.Manifest.Root.Map("spec")?["selector"],
                $"Service '{s.Name}' selects {selectorText}, which matches no pod template in namespace {s.Namespace}: it has no endpoints",
                $"callers of {s.Name} assume it routes to running pods",
                evidence);
        }
    }

    private static int LabelDistance(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Sum(kv => labels.TryGetValue(kv.Key, out var v) ? Levenshtein(v, kv.Value) : 100);

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }
        return d[a.Length, b.Length];
    }
}
