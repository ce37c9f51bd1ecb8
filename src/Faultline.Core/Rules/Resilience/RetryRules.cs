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
        if (!model.Policies.Any(p => p.Retries))
        {
            yield break; // without retries every path multiplies by one
        }
        var nodes = model.Edges.Where(e => e.FromKind is not ("Ingress" or "HTTPRoute" or "GRPCRoute")).Select(e => (e.FromName, e.FromNamespace))
            .Concat(model.Policies.Where(p => p.Caller is not null).Select(p => (p.Caller!, p.CalleeNamespace)))
            .Distinct().Order().ToList();
        var best = new Dictionary<(string, string), (long Factor, List<string> Path)>();
        var visiting = new HashSet<(string, string)>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (start, ns) in nodes)
        {
            var (factor, path) = Best(model, (start, ns), best, visiting);
            if (factor <= limit || path.Count < 2)
            {
                continue;
            }
            var end = path[^1];
            // One finding per service hit, for the worst path that reaches it from a start no other path extends.
            if (!reported.Add(end))
            {
                continue;
            }
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

    /// <summary>
    /// The largest product of tries on a path starting at <paramref name="node"/>, and that path; memoised, so the
    /// cost is linear in the graph. A call back into a service still being explored (a cycle) ends the path there.
    /// </summary>
    private static (long Factor, List<string> Path) Best(SystemModel model, (string Name, string Ns) node,
        Dictionary<(string, string), (long, List<string>)> memo, HashSet<(string, string)> visiting)
    {
        if (memo.TryGetValue(node, out var known))
        {
            return known;
        }
        visiting.Add(node);
        var result = (Factor: 1L, Path: new List<string> { node.Name });
        foreach (var callee in CallTimes.Callees(model, node.Name, node.Ns))
        {
            if (visiting.Contains(callee))
            {
                continue;
            }
            var (factor, path) = Best(model, callee, memo, visiting);
            var total = Math.Min(long.MaxValue / 64, factor * Tries(model, node.Name, callee.Name, callee.Namespace));
            if (total > result.Factor || total == result.Factor && path.Count + 1 > result.Path.Count)
            {
                result = (total, [node.Name, .. path]);
            }
        }
        visiting.Remove(node);
        memo[node] = result;
        return result;
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
                .Where(o => p.PathPrefix is null || Covers(p, o, api.Spec.BasePath))
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

    private static bool Covers(CallPolicy p, ApiOperation o, string basePath)
    {
        if (p.Origin == PolicyOrigin.Assumptions)
        {
            return ConsumerExpectation.PathMatches(o.Path, p.PathPrefix!);
        }
        // Mesh routes see the full path: the spec's base path (servers url) and the operation path.
        var concrete = System.Text.RegularExpressions.Regex.Replace(o.Path, @"\{[^}]*\}", "x");
        var full = basePath.Length > 1 ? basePath.TrimEnd('/') + concrete : concrete;
        var prefix = p.PathPrefix!.TrimEnd('*');
        if (full.StartsWith(prefix, StringComparison.Ordinal) || concrete.StartsWith(prefix, StringComparison.Ordinal))
        {
            return true;
        }
        try
        {
            // Linkerd routes match by regular expression; a path parameter stands as one plain segment.
            var regex = new System.Text.RegularExpressions.Regex("^" + p.PathPrefix + "$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return regex.IsMatch(full) || regex.IsMatch(concrete);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
