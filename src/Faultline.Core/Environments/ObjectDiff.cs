using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Environments;

/// <summary>Compares autoscalers, disruption budgets, mesh policies and ConfigMaps, and objects found on one side only.</summary>
internal static class ObjectDiff
{
    public static void Autoscaler(DiffContext ctx, Autoscaler a, Autoscaler b)
    {
        var specA = a.Manifest.Root.Map("spec");
        var specB = b.Manifest.Root.Map("spec");
        var minA = a.MinReplicas ?? 1;
        var minB = b.MinReplicas ?? 1;
        var target = $"{b.TargetKind}/{b.TargetName}";
        if (minA != minB)
        {
            var one = minA < minB ? ctx.A : ctx.B;
            var many = minA < minB ? ctx.B : ctx.A;
            var single = Math.Min(minA, minB) == 1;
            ctx.Add(DiffClass.Replicas, single ? Severity.Medium : Severity.Low, a.Manifest, b.Manifest, null, "minReplicas",
                Text(minA), specA?["minReplicas"] ?? specA, Text(minB), specB?["minReplicas"] ?? specB,
                $"{target} scales down to {minA} in {ctx.A} and {minB} in {ctx.B}",
                single
                    ? $"At low traffic {one} runs a single pod: assumptions of one instance (in-memory state, a job every pod runs) hold there and break in {many}, and in {one} a restart is downtime."
                    : "The floor of pods differs: load per pod at quiet times and the capacity left after losing a node differ.",
                replicaRatio: Ratio(minA, minB));
        }
        var maxA = specA?.Int("maxReplicas");
        var maxB = specB?.Int("maxReplicas");
        if (maxA is { } xa && maxB is { } xb && xa != xb)
        {
            var (small, large) = xa < xb ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
            ctx.Add(DiffClass.Replicas, Severity.Low, a.Manifest, b.Manifest, null, "maxReplicas",
                Text(xa), specA?["maxReplicas"], Text(xb), specB?["maxReplicas"],
                $"{target} scales up to {xa} in {ctx.A} and {xb} in {ctx.B}",
                $"At peak {large} can run {Math.Max(xa, xb)} pods, opening up to {Math.Max(xa, xb) / (decimal)Math.Min(xa, xb):0.#}x the connections to databases and dependencies that {small} ever opened; {small} saturates sooner.",
                replicaRatio: Ratio(xa, xb));
        }
        var metricsA = NodeText.Canonical(specA?["metrics"] ?? specA?["targetCPUUtilizationPercentage"]);
        var metricsB = NodeText.Canonical(specB?["metrics"] ?? specB?["targetCPUUtilizationPercentage"]);
        if (metricsA != metricsB)
        {
            ctx.Add(DiffClass.Replicas, Severity.Low, a.Manifest, b.Manifest, null, "metrics",
                metricsA, specA?["metrics"] ?? specA, metricsB, specB?["metrics"] ?? specB,
                $"{target} scales on different metrics or targets",
                "The environments add pods at different loads: latency and saturation before a scale-up differ.");
        }
    }

    public static void Budget(DiffContext ctx, DisruptionBudget a, DisruptionBudget b)
    {
        foreach (var field in new[] { "minAvailable", "maxUnavailable" })
        {
            var na = field == "minAvailable" ? a.MinAvailable : a.MaxUnavailable;
            var nb = field == "minAvailable" ? b.MinAvailable : b.MaxUnavailable;
            if (na?.Value == nb?.Value)
            {
                continue;
            }
            ctx.Add(DiffClass.Pdb, Severity.Low, a.Manifest, b.Manifest, null, field, na?.Value, (Node?)na ?? a.Manifest.Root, nb?.Value, (Node?)nb ?? b.Manifest.Root,
                $"{field} is {na?.Value ?? "unset"} in {ctx.A} and {nb?.Value ?? "unset"} in {ctx.B}",
                "Node drains and cluster upgrades evict a different number of these pods at once: a drain that never hurt one environment can take capacity (or hang) in the other.");
        }
    }

    /// <summary>Istio VirtualService and Linkerd ServiceProfile routes, matched by destination, method and path.</summary>
    public static void Mesh(DiffContext ctx, Manifest a, Manifest b)
    {
        var routesA = ResilienceReader.Policies(a).GroupBy(p => RouteKey(p, ctx)).ToDictionary(g => g.Key, g => g.First());
        var routesB = ResilienceReader.Policies(b).GroupBy(p => RouteKey(p, null)).ToDictionary(g => g.Key, g => g.First());
        foreach (var key in routesA.Keys.Concat(routesB.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var pa = routesA.GetValueOrDefault(key);
            var pb = routesB.GetValueOrDefault(key);
            var scope = $"route {key}";
            if (pa is null || pb is null)
            {
                var inA = pa is not null;
                var present = (pa ?? pb)!;
                ctx.Add(DiffClass.Mesh, Severity.Medium, b.Kind, b.Namespace, b.Name, scope, "route",
                    (inA ? present.Describe() : null, inA ? present.Location : a.Location), (inA ? null : present.Describe(), inA ? b.Location : present.Location),
                    $"only {ctx.Label(inA)} has a route for {key}",
                    $"Calls to {present.Callee} get {present.Describe()} in {ctx.Label(inA)} and the mesh defaults in {ctx.Label(!inA)}: slow or failing calls end differently in each.");
                continue;
            }
            Timeout(ctx, a, b, scope, "timeout", pa.Timeout, pa.Location, pb.Timeout, pb.Location, pb.Callee);
            if (pa.Tries != pb.Tries)
            {
                var (fewer, more) = pa.Tries < pb.Tries ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
                ctx.Add(DiffClass.Mesh, Severity.Medium, b.Kind, b.Namespace, b.Name, scope, "retries",
                    (Tries(pa.Tries), pa.Location), (Tries(pb.Tries), pb.Location),
                    $"calls to {pb.Callee} are tried {Tries(pa.Tries)} in {ctx.A} and {Tries(pb.Tries)} in {ctx.B}",
                    $"{more} retries what {fewer} lets fail: transient errors that {fewer} shows are hidden in {more}, and when {pb.Callee} is struggling {more} multiplies its load by up to {Math.Max(pa.Tries, pb.Tries)}x.");
            }
            if (pa.Retries && pb.Retries)
            {
                Timeout(ctx, a, b, scope, "perTryTimeout", pa.PerTryTimeout, pa.Location, pb.PerTryTimeout, pb.Location, pb.Callee);
            }
        }
    }

    private static string RouteKey(CallPolicy p, DiffContext? ctx) =>
        $"to {p.Callee}.{(ctx is null ? p.CalleeNamespace : ctx.MapNamespace(p.CalleeNamespace))}{(p.Method is null && p.PathPrefix is null ? "" : $" {p.Method ?? "*"} {p.PathPrefix ?? "/"}")}";

    private static string Tries(int n) => n == 1 ? "once" : $"{n} times";

    private static void Timeout(DiffContext ctx, Manifest a, Manifest b, string scope, string field, TimeSpan? ta, SourceLocation la, TimeSpan? tb, SourceLocation lb, string callee)
    {
        if (ta == tb)
        {
            return;
        }
        var shownA = ta is { } x ? CallPolicy.Format(x) : null;
        var shownB = tb is { } y ? CallPolicy.Format(y) : null;
        var summary = $"{field} for calls to {callee} is {shownA ?? "unset"} in {ctx.A} and {shownB ?? "unset"} in {ctx.B}";
        if (ta is null || tb is null)
        {
            var has = ctx.Label(ta is not null);
            var lacks = ctx.Label(ta is null);
            ctx.Add(DiffClass.Mesh, Severity.Medium, b.Kind, b.Namespace, b.Name, scope, field, (shownA, la), (shownB, lb), summary,
                $"{has} cuts calls to {callee} at {shownA ?? shownB}; {lacks} waits as long as the caller does: a slow {callee} fails fast in {has} and ties up callers in {lacks}.");
            return;
        }
        var (shorter, longer) = ta < tb ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
        var ratio = (decimal)(Max(ta.Value, tb.Value) / Min(ta.Value, tb.Value));
        ctx.Add(DiffClass.Mesh, ratio >= ctx.Options.TimeoutHighRatio ? Severity.High : Severity.Medium, b.Kind, b.Namespace, b.Name, scope, field, (shownA, la), (shownB, lb), summary,
            $"{shorter} gives up on {callee} after {CallPolicy.Format(Min(ta.Value, tb.Value))} where {longer} waits {CallPolicy.Format(Max(ta.Value, tb.Value))}: calls that take between the two succeed in {longer} and fail in {shorter}, and nothing in {longer} showed it.");

        static TimeSpan Max(TimeSpan x, TimeSpan y) => x > y ? x : y;
        static TimeSpan Min(TimeSpan x, TimeSpan y) => x < y ? x : y;
    }

    /// <summary>ConfigMap keys, except those a container reads as env vars: those are compared where they are read.</summary>
    public static void ConfigMap(DiffContext ctx, ConfigMap a, ConfigMap b, ISet<string> readAsEnvA, ISet<string> readAsEnvB)
    {
        foreach (var key in a.Data.Keys.Concat(b.Data.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (readAsEnvA.Contains(key) || readAsEnvB.Contains(key))
            {
                continue;
            }
            var va = a.Data.GetValueOrDefault(key);
            var vb = b.Data.GetValueOrDefault(key);
            var sideA = new ConfigDiff.Side(va?.Value, null, a.Manifest.At((Node?)va ?? a.Manifest.Root.Map("data") ?? a.Manifest.Root));
            var sideB = new ConfigDiff.Side(vb?.Value, null, b.Manifest.At((Node?)vb ?? b.Manifest.Root.Map("data") ?? b.Manifest.Root));
            ConfigDiff.Compare(ctx, new ConfigDiff.Subject(b.Manifest.Kind, b.Namespace, ObjectKey.NameOf(b.Manifest), null, $"data.{key}", key), sideA, sideB);
        }
    }

    /// <summary>An object found in one environment only, ranked by what its absence does to the other.</summary>
    public static void OnlyOneSide(DiffContext ctx, Manifest m, bool inA, string ns)
    {
        var has = ctx.Label(inA);
        var lacks = ctx.Label(!inA);
        var name = ObjectKey.NameOf(m);
        var what = $"{m.Kind}/{name}";
        (DiffClass Class, Severity Severity, string Risk) said = m.Kind switch
        {
            "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "ReplicationController" or "Rollout" or "Job" or "CronJob" or "Pod" =>
                (DiffClass.Presence, Severity.Medium, $"{what} runs only in {has}: nothing in {lacks} exercised it, and whatever calls it or waits for its work fails in {lacks}."),
            "Service" =>
                (DiffClass.Presence, Severity.Medium, $"Service {name} exists only in {has}: callers that resolve {name} in {has} get DNS errors or connection failures in {lacks}."),
            "NetworkPolicy" or "AuthorizationPolicy" or "PeerAuthentication" or "CiliumNetworkPolicy" or "CiliumClusterwideNetworkPolicy" =>
                (DiffClass.Presence, Severity.High, $"Only {has} restricts traffic with {what}: calls that work in {lacks} can be refused or time out in {has}, and {lacks} never tested the policy."),
            "HorizontalPodAutoscaler" =>
                (DiffClass.Replicas, Severity.Medium, $"Only {has} autoscales {TargetOf(m)}: {lacks} runs a fixed count, so load that {has} absorbs by adding pods saturates {lacks}, and scaling in {has} multiplies connections to dependencies that {lacks} never opened."),
            "PodDisruptionBudget" =>
                (DiffClass.Pdb, Severity.Medium, $"Only {has} has a disruption budget for these pods: in {lacks} a node drain or cluster upgrade can evict them all at once; in {has} the budget can hold up drains that {lacks} never waited for."),
            "VirtualService" or "DestinationRule" or "ServiceProfile" or "ServiceEntry" or "Sidecar" =>
                (DiffClass.Mesh, Severity.Medium, $"Only {has} applies mesh policy {what}: the timeouts, retries, routing or connection limits it sets hold in {has} and not in {lacks}."),
            "ConfigMap" or "Secret" =>
                (DiffClass.Presence, Severity.Low, $"{what} exists only in {has}: a pod that mounts or reads it in {lacks} fails to start there unless the reference is optional."),
            "Namespace" =>
                (DiffClass.Presence, Severity.Info, $"Namespace {name} exists only in {has}."),
            _ =>
                (DiffClass.Presence, Severity.Low, $"{what} exists only in {has}: whatever it configures ({m.Kind}) applies in one environment only."),
        };
        var value = (Shown: (string?)"present", Where: (SourceLocation?)m.Location);
        var none = (Shown: (string?)null, Where: (SourceLocation?)null);
        ctx.Add(said.Class, said.Severity, m.Kind, ns, name, null, "object", inA ? value : none, inA ? none : value,
            $"{what} exists only in {has}", said.Risk);
    }

    private static string TargetOf(Manifest m) =>
        m.Root.Map("spec")?.Map("scaleTargetRef") is { } t ? $"{t.Str("kind")}/{t.Str("name")}" : m.Name;

    private static string Text(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static decimal? Ratio(int a, int b) => a <= 0 || b <= 0 ? null : (decimal)Math.Max(a, b) / Math.Min(a, b);
}
