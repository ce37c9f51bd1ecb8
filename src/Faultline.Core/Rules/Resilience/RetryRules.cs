using System.Globalization;
using Faultline.Core.Contracts;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resilience;

internal sealed class RetryAmplificationRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "retry.amplification",
        Severity.High,
        "Retries multiply along a call path",
        "Along some call path, the product of tries per hop exceeds a limit: one user request can become that many calls on the last service.",
        "Retry at one layer only (usually the one closest to the user), or cut tries per hop; add retry budgets.",
        """
        Each hop that retries multiplies the load on everything behind it when that part is slow: 3 layers with 4
        tries each turn one request into 64 calls on the last service, exactly when it can least take them. The path
        follows the service graph (addresses in manifests and faultline.yaml calls); tries per hop come from Istio,
        Linkerd and faultline.yaml. The finding names the path and the factor.
        """,
        [new("limit", "Largest acceptable product of tries along one path.", ["10"])]);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var model = context.Model;
        var limit = int.Parse(context.Parameter("limit")[0], CultureInfo.InvariantCulture);
        var nodes = model.Edges.Select(e => (e.FromName, e.FromNamespace)).Concat(model.Policies.Where(p => p.Caller is not null).Select(p => (p.Caller!, p.CalleeNamespace))).Distinct().ToList();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (start, ns) in nodes)
        {
            var worst = Walk(model, start, ns, [start], 1, limit);
            if (worst is not var (path, factor) || factor <= limit)
            {
                continue;
            }
            var end = path[^1];
            if (!reported.Add(end + "|" + string.Join(">", path)) || reported.Contains("end:" + end))
            {
                continue;
            }
            reported.Add("end:" + end);
            var subject = model.FindService(ns, end);
            var message = $"{string.Join(" -> ", path)}: {factor} calls on {end} for one request to {path[0]} (limit {limit})";
            var assumption = $"{end} sees at most {limit} calls per user request when something is slow";
            var evidence = string.Join("; ", Hops(model, path, ns));
            var finding = subject is not null
                ? context.ForObject(subject.Manifest, end, null, message, assumption, evidence)
                : new Finding
                {
                    RuleId = Info.Id,
                    Severity = Info.DefaultSeverity,
                    Service = end,
                    Namespace = ns,
                    ResourceKind = "Service",
                    ResourceName = end,
                    Location = model.Policies.FirstOrDefault(p => p.Callee == end)?.Location ?? default,
                    Message = message,
                    Assumption = assumption,
                    Evidence = evidence,
                    Remediation = Info.Remediation,
                };
            yield return finding;
        }
    }

    private static int Tries(SystemModel model, string caller, string callee, string ns) =>
        CallTimes.Applying(model, caller, callee, ns).Select(p => p.Tries).DefaultIfEmpty(1).Max();

    private static IEnumerable<string> Hops(SystemModel model, IReadOnlyList<string> path, string ns)
    {
        for (var i = 0; i + 1 < path.Count; i++)
        {
            var policy = CallTimes.Applying(model, path[i], path[i + 1], ns).OrderByDescending(p => p.Tries).FirstOrDefault();
            yield return $"{path[i]} -> {path[i + 1]}: {policy?.Tries ?? 1} tries" + (policy is null ? "" : $" ({policy.Origin.ToString().ToLowerInvariant()} {policy.Location})");
        }
    }

    /// <summary>The path from <paramref name="start"/> with the largest product of tries (depth-first, cycles skipped).</summary>
    private static (List<string> Path, long Factor)? Walk(SystemModel model, string current, string ns, List<string> path, long factor, int limit)
    {
        (List<string>, long)? best = path.Count > 1 ? (new List<string>(path), factor) : null;
        if (path.Count > 12)
        {
            return best;
        }
        foreach (var (callee, calleeNs) in CallTimes.Callees(model, current, ns))
        {
            if (path.Contains(callee))
            {
                continue;
            }
            var tries = Tries(model, current, callee, calleeNs);
            path.Add(callee);
            var candidate = Walk(model, callee, calleeNs, path, factor * tries, limit);
            path.RemoveAt(path.Count - 1);
            if (candidate is { } c && (best is null || c.Item2 > best.Value.Item2))
            {
                best = c;
            }
        }
        return best;
    }
}

internal sealed class RetryNonIdempotentRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "retry.non-idempotent",
        Severity.High,
        "Retries on an operation that is not idempotent",
        "A caller (or the mesh) retries a POST or PATCH operation that the provider's spec does not mark idempotent.",
        "Stop retrying the operation, or make it idempotent (accept an Idempotency-Key header, mark it x-idempotent: true) first.",
        """
        A retry after a timeout repeats a request that may already have succeeded: a second charge, a second order.
        Operations count as idempotent when the spec marks them `x-idempotent: true` or takes an `Idempotency-Key`
        header. Mesh retries apply to every route they match (method and uri prefix); faultline.yaml calls name their
        operation.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var model = context.Model;
        foreach (var p in model.Policies.Where(p => p.Retries))
        {
            if (model.Contracts.InterfaceOf(p.Callee, p.CalleeNamespace) is not { } api)
            {
                continue;
            }
            var unsafeOps = api.Spec.Operations
                .Where(o => o.Method is "POST" or "PATCH" && !o.Idempotent)
                .Where(o => p.Method is null || string.Equals(p.Method, o.Method, StringComparison.OrdinalIgnoreCase))
                .Where(o => p.PathPrefix is null || Covers(p, o))
                .ToList();
            if (unsafeOps.Count == 0)
            {
                continue;
            }
            yield return TimeoutPerTryExceedsTotalRule.Policy(context, p,
                $"{p.Caller ?? "every caller"} retries {p.Callee} ({p.Tries} tries) on {string.Join(", ", unsafeOps.Select(o => o.Key))}, which {(unsafeOps.Count == 1 ? "is" : "are")} not idempotent",
                $"repeating {unsafeOps[0].Key} is harmless") with { Evidence = $"{p.Describe()}; spec {api.Spec.Location}" };
        }
    }

    private static bool Covers(CallPolicy p, ApiOperation o)
    {
        if (p.Origin == PolicyOrigin.Assumptions)
        {
            return ConsumerExpectation.PathMatches(o.Path, p.PathPrefix!);
        }
        if (o.Path.StartsWith(p.PathPrefix!.TrimEnd('*'), StringComparison.Ordinal))
        {
            return true;
        }
        try
        {
            // Linkerd routes match by regular expression; path parameters become one segment.
            return System.Text.RegularExpressions.Regex.IsMatch(o.Path.Replace("{}", "x", StringComparison.Ordinal), "^" + p.PathPrefix + "$",
                System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
