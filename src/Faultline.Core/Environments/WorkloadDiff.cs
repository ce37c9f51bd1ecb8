using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Environments;

/// <summary>
/// Compares one workload across environments: replicas, then per container (matched by name) image, resources,
/// probes and environment, then where its pods may run and whether the mesh sidecar is injected.
/// </summary>
internal static class WorkloadDiff
{
    private static readonly HashSet<string> ScaledKinds = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"];

    public static void Compare(DiffContext ctx, SystemModel ma, Workload a, SystemModel mb, Workload b)
    {
        if (ScaledKinds.Contains(b.Kind) && ma.AutoscalerOf(a) is null && mb.AutoscalerOf(b) is null)
        {
            Replicas(ctx, a, b);
        }
        Containers(ctx, ma, a, a.Containers, mb, b, b.Containers, "container");
        Containers(ctx, ma, a, a.InitContainers, mb, b, b.InitContainers, "init container");
        Scheduling(ctx, a, b);
        MeshInjection(ctx, a, b);
    }

    private static void Replicas(DiffContext ctx, Workload a, Workload b)
    {
        var ra = a.Replicas ?? 1;
        var rb = b.Replicas ?? 1;
        if (ra == rb)
        {
            return;
        }
        var nodeA = a.Manifest.Root.Map("spec")?["replicas"] ?? a.Manifest.Root;
        var nodeB = b.Manifest.Root.Map("spec")?["replicas"] ?? b.Manifest.Root;
        var ratio = ra == 0 || rb == 0 ? (decimal?)null : (decimal)Math.Max(ra, rb) / Math.Min(ra, rb);
        var summary = $"{ctx.A} runs {Pods(ra)}, {ctx.B} {Pods(rb)}";
        if (Math.Min(ra, rb) == 1)
        {
            var one = ra == 1 ? ctx.A : ctx.B;
            var many = ra == 1 ? ctx.B : ctx.A;
            ctx.Add(DiffClass.Replicas, Severity.Medium, a.Manifest, b.Manifest, null, "replicas", Show(ra), nodeA, Show(rb), nodeB, summary,
                $"Anything that assumes a single instance (in-memory sessions or caches, a job or migration every pod runs, no leader election) works in {one} and breaks in {many}; in {one} every restart or node drain is downtime.",
                replicaRatio: ratio);
            return;
        }
        ctx.Add(DiffClass.Replicas, Severity.Low, a.Manifest, b.Manifest, null, "replicas", Show(ra), nodeA, Show(rb), nodeB, summary,
            "Load per pod and the number of connections to databases and dependencies differ between the environments.", replicaRatio: ratio);
    }

    private static string Pods(int n) => n == 1 ? "1 pod" : $"{n} pods";

    private static string Show(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Containers(DiffContext ctx, SystemModel ma, Workload a, IReadOnlyList<Container> listA, SystemModel mb, Workload b, IReadOnlyList<Container> listB, string what)
    {
        var names = listA.Select(c => c.Name).Concat(listB.Select(c => c.Name)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var ca = listA.FirstOrDefault(c => c.Name == name);
            var cb = listB.FirstOrDefault(c => c.Name == name);
            var scope = $"{what} {name}";
            if (ca is null || cb is null)
            {
                var inA = ca is not null;
                var present = (ca ?? cb)!;
                ctx.Add(DiffClass.Presence, Severity.Medium, a.Manifest, b.Manifest, scope, what.Replace(' ', '-'),
                    inA ? present.Image ?? name : null, inA ? present.Node : a.Manifest.Root,
                    inA ? null : present.Image ?? name, inA ? b.Manifest.Root : present.Node,
                    $"{what} {name} runs only in {ctx.Label(inA)}",
                    $"Pods in {ctx.Label(inA)} run an extra {what} ({present.Image ?? "no image"}) that {ctx.Label(!inA)} never ran: its resource use, start order and failures show in one environment only.");
                continue;
            }
            var pair = new Pair(ctx, a, ca, b, cb, scope);
            Image(pair);
            Resources(pair);
            Probes(pair);
            Environment(ctx, ma, mb, pair);
            Arguments(pair);
        }
    }

    /// <summary>One container on both sides, with what every comparison of it needs.</summary>
    private sealed record Pair(DiffContext Ctx, Workload A, Container CA, Workload B, Container CB, string Scope)
    {
        public void Add(DiffClass cls, Severity severity, string field, string? shownA, Node? nodeA, string? shownB, Node? nodeB, string summary, string risk) =>
            Ctx.Add(cls, severity, A.Manifest, B.Manifest, Scope, field, shownA, nodeA ?? CA.Node, shownB, nodeB ?? CB.Node, summary, risk);
    }

    private static void Image(Pair p)
    {
        var ctx = p.Ctx;
        if (p.CA.Image is not { } imageA || p.CB.Image is not { } imageB || imageA == imageB)
        {
            return;
        }
        var ia = ImageRef.Parse(imageA);
        var ib = ImageRef.Parse(imageB);
        var nodeA = p.CA.Node["image"];
        var nodeB = p.CB.Node["image"];
        if (ia.Repository != ib.Repository)
        {
            p.Add(DiffClass.Image, Severity.Medium, "image", imageA, nodeA, imageB, nodeB, $"{ctx.A} and {ctx.B} run images from different repositories",
                $"{ctx.A} tested another image than {ctx.B} runs: a different build, base image or registry whose pull can fail in {ctx.B} alone.");
            return;
        }
        if (ia.Tag == ib.Tag && ia.Digest is { } da && ib.Digest is { } db && da != db)
        {
            p.Add(DiffClass.Image, Severity.High, "image", imageA, nodeA, imageB, nodeB,
                $"tag {ia.Tag ?? "(none)"} is pinned to different digests ({ImageRef.Short(da)} in {ctx.A}, {ImageRef.Short(db)} in {ctx.B})",
                $"The same tag names two different builds: what passed in {ctx.A} is not the binary {ctx.B} runs, although every version label says it is.");
            return;
        }
        if (ia.Tag == ib.Tag && (ia.Digest is null) != (ib.Digest is null))
        {
            var pinned = ia.Digest is not null ? ctx.A : ctx.B;
            var floating = ia.Digest is not null ? ctx.B : ctx.A;
            p.Add(DiffClass.Image, Severity.Medium, "image", imageA, nodeA, imageB, nodeB,
                $"{pinned} pins the image by digest, {floating} follows tag {ia.Tag ?? "(none)"}",
                $"A tag can be pushed again: {floating} may pull a build that {pinned} never ran, at the next pod restart.");
            return;
        }
        p.Add(DiffClass.Image, Severity.Medium, "image", imageA, nodeA, imageB, nodeB,
            $"{ctx.A} runs {Version(ia)}, {ctx.B} runs {Version(ib)}",
            $"What passed in {ctx.A} is not what runs in {ctx.B}: code, defaults, migrations and dependencies of the two versions differ.");

        static string Version(ImageRef r) => r.Tag ?? (r.Digest is { } d ? ImageRef.Short(d) : "latest (no tag)");
    }

    private static void Resources(Pair p)
    {
        var ctx = p.Ctx;
        var ra = p.CA.Resources;
        var rb = p.CB.Resources;

        Compare("limits.memory", ra.MemoryLimit, rb.MemoryLimit,
            only: (has, lacks, q) => (Severity.High,
                $"memory limit {q.Text} in {has}, none in {lacks}",
                $"Pods in {has} are OOM-killed when they pass {q.Text}; {lacks} sets no limit, so a leak or a heap sized to the node never failed there, and in {lacks} the container can take memory from its neighbours until the node runs out."),
            both: (small, large, qs, ql, ratio) => (ratio >= ctx.Options.MemoryLimitRatio ? Severity.Medium : Severity.Low,
                $"memory limit {qs.Text} in {small}, {ql.Text} in {large}",
                $"{small} OOM-kills the container at {qs.Text}: load or data that fits in {large}'s {ql.Text} can crash-loop it in {small}."));
        Compare("limits.cpu", ra.CpuLimit, rb.CpuLimit,
            only: (has, lacks, q) => (Severity.Medium,
                $"CPU limit {q.Text} in {has}, none in {lacks}",
                $"{has} throttles the container at {q.Text} CPU and {lacks} never does: latency under load, slow starts and the timeouts of its callers show only in {has}."),
            both: (small, large, qs, ql, _) => (Severity.Low,
                $"CPU limit {qs.Text} in {small}, {ql.Text} in {large}",
                $"{small} throttles the container earlier: latency under load is worse in {small} than {large} showed."));
        Compare("requests.memory", ra.MemoryRequest, rb.MemoryRequest,
            only: (has, lacks, q) => (Severity.Medium,
                $"memory request {q.Text} in {has}, none in {lacks}",
                $"In {lacks} the scheduler reserves no memory for the container (a limit, if any, becomes the request): pods land on full nodes and are evicted first under memory pressure, which {has} never showed."),
            both: (small, large, qs, ql, _) => (Severity.Low,
                $"memory request {qs.Text} in {small}, {ql.Text} in {large}",
                $"{small} reserves less memory: its pods pack onto fuller nodes and are evicted earlier under memory pressure."));
        Compare("requests.cpu", ra.CpuRequest, rb.CpuRequest,
            only: (has, lacks, q) => (Severity.Medium,
                $"CPU request {q.Text} in {has}, none in {lacks}",
                $"In {lacks} the container gets the smallest CPU share under contention and CPU-based autoscaling cannot compute utilisation; {has} never ran it that way."),
            both: (small, large, qs, ql, _) => (Severity.Low,
                $"CPU request {qs.Text} in {small}, {ql.Text} in {large}",
                $"Under contention the container gets less CPU in {small}, and an HPA's utilisation percentage means a different load in each environment."));

        void Compare(string field, Quantity? qa, Quantity? qb,
            Func<string, string, Quantity, (Severity, string, string)> only,
            Func<string, string, Quantity, Quantity, decimal, (Severity, string, string)> both)
        {
            if (qa is null && qb is null || qa is not null && qb is not null && qa.Value == qb.Value)
            {
                return;
            }
            var holder = field.StartsWith("limits", StringComparison.Ordinal) ? "limits" : "requests";
            Node? fallbackA = (Node?)p.CA.Resources.Node?.AsMap?.Map(holder) ?? p.CA.Resources.Node;
            Node? fallbackB = (Node?)p.CB.Resources.Node?.AsMap?.Map(holder) ?? p.CB.Resources.Node;
            (Severity Severity, string Summary, string Risk) said;
            if (qa is null || qb is null)
            {
                var inA = qa is not null;
                said = only(ctx.Label(inA), ctx.Label(!inA), (qa ?? qb)!);
            }
            else
            {
                var aSmaller = qa.Value < qb.Value;
                var (small, large) = aSmaller ? (qa, qb) : (qb, qa);
                said = both(ctx.Label(aSmaller), ctx.Label(!aSmaller), small, large, small.Value == 0 ? decimal.MaxValue : large.Value / small.Value);
            }
            p.Add(DiffClass.Resources, said.Severity, field, qa?.Text, qa?.Node ?? fallbackA, qb?.Text, qb?.Node ?? fallbackB, said.Summary, said.Risk);
        }
    }

    private static void Probes(Pair p)
    {
        Probe("readinessProbe", p.CA.Readiness, p.CB.Readiness, Severity.High,
            (has, lacks) => $"{lacks} has no readiness probe: its pods get traffic as soon as the process starts and keep it while broken; {has} hides that by waiting until the probe passes.");
        Probe("livenessProbe", p.CA.Liveness, p.CB.Liveness, Severity.Medium,
            (has, lacks) => $"{has} restarts a container whose liveness probe fails and {lacks} never does: a hang heals itself in {has} and lasts in {lacks}, while a probe that fails under load restarts pods only in {has}.");
        Probe("startupProbe", p.CA.Startup, p.CB.Startup, Severity.Medium,
            (has, lacks) => $"{has} gives the container time to start before liveness counts; {lacks} does not: a slow start (cold caches, migrations) that passes in {has} can be killed by liveness in {lacks}.");

        void Probe(string field, Probe? a, Probe? b, Severity missing, Func<string, string, string> risk)
        {
            var ctx = p.Ctx;
            if (a is null && b is null)
            {
                return;
            }
            if (a is null || b is null)
            {
                var inA = a is not null;
                var present = (a ?? b)!;
                p.Add(DiffClass.Probes, missing, field, inA ? present.Describe() : null, a?.Node, inA ? null : present.Describe(), b?.Node,
                    $"{field} only in {ctx.Label(inA)}", risk(ctx.Label(inA), ctx.Label(!inA)));
                return;
            }
            if (!a.SameCheckAs(b, p.CA) || !b.SameCheckAs(a, p.CB))
            {
                p.Add(DiffClass.Probes, Severity.Medium, field, a.Describe(), a.Node, b.Describe(), b.Node,
                    $"{field} checks {a.Describe()} in {ctx.A} and {b.Describe()} in {ctx.B}",
                    $"The probes check different things: one that passes in {ctx.A} can fail in {ctx.B} (another path, port or command) and take pods out of service or restart them there.");
            }
            var isReadiness = field == "readinessProbe";
            var effect = isReadiness ? "takes pods out of the Service" : "restarts the container";
            if (a.TimeoutSeconds != b.TimeoutSeconds)
            {
                var (quick, patient) = a.TimeoutSeconds < b.TimeoutSeconds ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
                p.Add(DiffClass.Probes, Severity.Medium, field + ".timeoutSeconds", $"{a.TimeoutSeconds}s", Timing(a, "timeoutSeconds"), $"{b.TimeoutSeconds}s", Timing(b, "timeoutSeconds"),
                    $"{field} waits {a.TimeoutSeconds}s for an answer in {ctx.A} and {b.TimeoutSeconds}s in {ctx.B}",
                    $"A probe answer slower than {Math.Min(a.TimeoutSeconds, b.TimeoutSeconds)}s (GC pause, busy thread pool, load) counts as a failure in {quick} only, which {effect} there; {patient} never showed it.");
            }
            if (a.FailureWindowSeconds != b.FailureWindowSeconds)
            {
                var (quick, patient) = a.FailureWindowSeconds < b.FailureWindowSeconds ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
                p.Add(DiffClass.Probes, isReadiness ? Severity.Low : Severity.Medium, field + ".failureWindow",
                    $"{a.FailureThreshold} x {a.PeriodSeconds}s", Timing(a, "failureThreshold"),
                    $"{b.FailureThreshold} x {b.PeriodSeconds}s", Timing(b, "failureThreshold"),
                    $"{field} acts after {a.FailureWindowSeconds}s of failures in {ctx.A} and {b.FailureWindowSeconds}s in {ctx.B}",
                    $"{quick} reacts sooner: a short stall that {patient} rides out {effect} in {quick}.");
            }
            if (a.InitialDelaySeconds != b.InitialDelaySeconds)
            {
                var (quick, patient) = a.InitialDelaySeconds < b.InitialDelaySeconds ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
                p.Add(DiffClass.Probes, Severity.Low, field + ".initialDelaySeconds", $"{a.InitialDelaySeconds}s", Timing(a, "initialDelaySeconds"), $"{b.InitialDelaySeconds}s", Timing(b, "initialDelaySeconds"),
                    $"{field} starts after {a.InitialDelaySeconds}s in {ctx.A} and {b.InitialDelaySeconds}s in {ctx.B}",
                    $"{quick} starts probing sooner: a start slower than {patient} allowed for fails there.");
            }
        }

        static Node? Timing(Probe probe, string key) => probe.Node[key] ?? probe.Node;
    }

    private static void Environment(DiffContext ctx, SystemModel ma, SystemModel mb, Pair p)
    {
        var envA = EnvOf(ma, p.A, p.CA);
        var envB = EnvOf(mb, p.B, p.CB);
        foreach (var name in envA.Keys.Concat(envB.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var a = envA.GetValueOrDefault(name);
            var b = envB.GetValueOrDefault(name);
            a = a.Present ? a : a with { Where = p.A.Manifest.At(p.CA.Node.List("env") ?? (Node)p.CA.Node) };
            b = b.Present ? b : b with { Where = p.B.Manifest.At(p.CB.Node.List("env") ?? (Node)p.CB.Node) };
            ConfigDiff.Compare(ctx, new ConfigDiff.Subject(p.B.Kind, p.B.Namespace, p.B.Name, p.Scope, $"env.{name}", name), a, b);
        }
    }

    /// <summary>The container's environment by name: values as resolved, and references (Secret, field) as such.</summary>
    private static Dictionary<string, ConfigDiff.Side> EnvOf(SystemModel model, Workload w, Container c)
    {
        var env = new Dictionary<string, ConfigDiff.Side>(StringComparer.Ordinal);
        foreach (var e in model.EnvironmentOf(w, c))
        {
            env[e.Name] = new ConfigDiff.Side(e.Value, null, e.Location);
        }
        foreach (var e in c.Env.Where(e => e.Value is null))
        {
            if (e.ConfigMapName is not null && model.FindConfigMap(w.Namespace, e.ConfigMapName)?.Data.ContainsKey(e.ConfigMapKey ?? "") == true)
            {
                continue; // resolved above
            }
            env[e.Name] = new ConfigDiff.Side(null, Reference(e), w.Manifest.At(e.Node));
        }
        return env;
    }

    private static string Reference(EnvVar e)
    {
        var from = (e.Node as MapNode)?.Map("valueFrom");
        if (from?.Map("secretKeyRef") is { } secret)
        {
            return $"Secret {ObjectKey.StripHash(secret.Str("name") ?? "?")} key {secret.Str("key")}";
        }
        if (from?.Map("configMapKeyRef") is { } cm)
        {
            return $"ConfigMap {ObjectKey.StripHash(cm.Str("name") ?? "?")} key {cm.Str("key")} (not in the input)";
        }
        if (from?.Map("fieldRef") is { } field)
        {
            return $"field {field.Str("fieldPath")}";
        }
        if (from?.Map("resourceFieldRef") is { } resource)
        {
            return $"resource {resource.Str("resource")}";
        }
        return "a reference";
    }

    private static void Arguments(Pair p)
    {
        var ctx = p.Ctx;
        foreach (var (field, a, b) in new[] { ("command", p.CA.Command, p.CB.Command), ("args", p.CA.Args, p.CB.Args) })
        {
            var ta = string.Join(' ', a.Select(s => ctx.NormalizeA(s.Value)));
            var tb = string.Join(' ', b.Select(s => s.Value));
            if (ta == tb)
            {
                continue;
            }
            var shownA = a.Count == 0 ? null : SecretMask.Partial(string.Join(' ', a.Select(s => s.Value)));
            var shownB = b.Count == 0 ? null : SecretMask.Partial(tb);
            p.Add(DiffClass.Config, Severity.Low, field, shownA, p.CA.Node.List(field), shownB, p.CB.Node.List(field),
                $"the container's {field} differ",
                $"The process starts with other flags in each environment: behaviour verified in {ctx.A} may not be what {ctx.B} runs.");
        }
    }

    private static void Scheduling(DiffContext ctx, Workload a, Workload b)
    {
        var pa = PodSpec(a);
        var pb = PodSpec(b);
        if (pa is null || pb is null)
        {
            return;
        }
        var selA = pa.StringMap("nodeSelector");
        var selB = pb.StringMap("nodeSelector");
        var textA = string.Join(", ", selA.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        var textB = string.Join(", ", selB.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        if (textA != textB)
        {
            var (pinned, free) = selA.Count >= selB.Count ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
            ctx.Add(DiffClass.Scheduling, Severity.Medium, a.Manifest, b.Manifest, null, "nodeSelector",
                textA.Length == 0 ? null : textA, pa["nodeSelector"] ?? pa, textB.Length == 0 ? null : textB, pb["nodeSelector"] ?? pb,
                $"pods are placed by node selector {(textA.Length == 0 ? "(none)" : textA)} in {ctx.A} and {(textB.Length == 0 ? "(none)" : textB)} in {ctx.B}",
                $"{pinned} runs only on the selected nodes: when that pool is full, missing or being upgraded, pods stay Pending in {pinned} while {free} schedules them anywhere; node type (CPU, memory, disk) also differs.");
        }
        var tolA = NodeText.Set(pa.List("tolerations"));
        var tolB = NodeText.Set(pb.List("tolerations"));
        if (!tolA.SequenceEqual(tolB))
        {
            ctx.Add(DiffClass.Scheduling, Severity.Low, a.Manifest, b.Manifest, null, "tolerations",
                tolA.Count == 0 ? null : Tolerations(pa), pa["tolerations"] ?? pa, tolB.Count == 0 ? null : Tolerations(pb), pb["tolerations"] ?? pb,
                "the pods tolerate different taints",
                "Pods may land on dedicated, spot or tainted nodes in one environment only: evictions, preemptions and node behaviour differ.");
        }
        foreach (var (field, severity, risk) in new[]
        {
            ("affinity", Severity.Low, "Pods are placed by different affinity rules: co-location, spreading across zones and what one node failure takes down differ."),
            ("topologySpreadConstraints", Severity.Low, "Pods are spread differently across zones or nodes: a zone or node outage takes down a different share of them."),
            ("priorityClassName", Severity.Low, "Pods have a different priority: under node pressure they are preempted, or preempt others, in one environment only."),
        })
        {
            var ta = NodeText.Canonical(pa[field]);
            var tb = NodeText.Canonical(pb[field]);
            if (ctx.NormalizeA(ta) != tb)
            {
                ctx.Add(DiffClass.Scheduling, severity, a.Manifest, b.Manifest, null, field, ta.Length == 0 ? null : ta, pa[field] ?? pa, tb.Length == 0 ? null : tb, pb[field] ?? pb,
                    $"{field} differs", risk);
            }
        }

        static string Tolerations(MapNode spec) => string.Join("; ", spec.Maps("tolerations").Select(t =>
            $"{t.Str("key") ?? "*"}{(t.Str("operator") == "Exists" ? "" : "=" + t.Str("value"))}:{t.Str("effect") ?? "*"}"));
    }

    private static void MeshInjection(DiffContext ctx, Workload a, Workload b)
    {
        foreach (var key in new[] { "sidecar.istio.io/inject", "linkerd.io/inject" })
        {
            var va = a.Annotations.GetValueOrDefault(key);
            var vb = b.Annotations.GetValueOrDefault(key);
            if (va != vb)
            {
                ctx.Add(DiffClass.Mesh, Severity.Medium, a.Manifest, b.Manifest, null, key, va, a.Manifest.Root, vb, b.Manifest.Root,
                    $"annotation {key} is {va ?? "unset"} in {ctx.A} and {vb ?? "unset"} in {ctx.B}",
                    "Whether the mesh sidecar runs decides whether mesh timeouts, retries, mTLS and authorization apply to these pods: calls behave differently in each environment.");
            }
        }
    }

    internal static MapNode? PodSpec(Workload w)
    {
        var spec = w.Manifest.Root.Map("spec");
        var template = w.Kind switch
        {
            "Pod" => w.Manifest.Root,
            "CronJob" => spec?.Map("jobTemplate")?.Map("spec")?.Map("template"),
            _ => spec?.Map("template"),
        };
        return template?.Map("spec");
    }
}
