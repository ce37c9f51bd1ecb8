using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resilience;

/// <summary>How long a service may legitimately take, from what it declares and what it waits for downstream.</summary>
internal static class CallTimes
{
    /// <summary>Policies that apply when <paramref name="caller"/> calls <paramref name="callee"/>: its own, else the mesh's.</summary>
    public static IReadOnlyList<CallPolicy> Applying(SystemModel model, string caller, string callee, string calleeNs)
    {
        var policies = model.PoliciesFor(callee, calleeNs);
        if (policies.Count == 0)
        {
            return [];
        }
        var own = policies.Where(p => p.Caller == caller).ToList();
        return own.Count > 0 ? own : policies.Where(p => p.Caller is null).ToList();
    }

    /// <summary>Services <paramref name="service"/> calls: graph edges and faultline.yaml calls.</summary>
    public static IReadOnlyList<(string Name, string Namespace)> Callees(SystemModel model, string service, string ns) =>
        model.CalleesOf(service, ns);

    /// <summary>
    /// The worst time the service may take before answering: its declared p99 plus the longest it may wait on one
    /// downstream call (that call's whole budget, retries included). Null when nothing about it is known.
    /// </summary>
    public static (TimeSpan Time, string Why)? Worst(SystemModel model, string service, string ns)
    {
        var p99 = model.Contracts.Assumptions.FirstOrDefault(a => a.Service == service && (a.Namespace is null || a.Namespace == ns))?.LatencyP99;
        (TimeSpan Time, string Why)? downstream = null;
        foreach (var (callee, calleeNs) in Callees(model, service, ns))
        {
            foreach (var policy in Applying(model, service, callee, calleeNs))
            {
                if (policy.Budget is { } budget && (downstream is null || budget > downstream.Value.Time))
                {
                    downstream = (budget, $"its call to {callee} may take {CallPolicy.Format(budget)} ({policy.Describe()})");
                }
            }
        }
        if (p99 is null && downstream is null)
        {
            return null;
        }
        var total = (p99 ?? TimeSpan.Zero) + (downstream?.Time ?? TimeSpan.Zero);
        var why = string.Join(" plus ", new[] { downstream?.Why, p99 is { } p ? $"its declared latencyP99 {CallPolicy.Format(p)}" : null }.OfType<string>());
        return (total, why);
    }
}
