using Faultline.Core.Documents;
using Faultline.Core.Model;

namespace Faultline.Core.Environments;

/// <summary>
/// Compares the same system in two environments. Objects are matched by kind, namespace (A's mapped to B's) and
/// name; each pair is compared by meaning (limits, replicas, probes, images, env and ConfigMap values, mesh
/// timeouts and retries, budgets, scheduling), objects on one side only are reported as such, and every
/// difference says what can break where. Differences declared expected are set aside and counted.
/// </summary>
public static class EnvDiff
{
    private static readonly HashSet<string> WorkloadKinds =
        ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "Rollout"];

    public static EnvDiffResult Compare(EnvSnapshot a, EnvSnapshot b, EnvDiffOptions? options = null)
    {
        options ??= EnvDiffOptions.Default;
        var ctx = new DiffContext(a, b, options);
        var objectsA = Index(a.Model, ctx.MapNamespace);
        var objectsB = Index(b.Model, ns => ns);
        var envKeysA = KeysReadAsEnv(a.Model, ctx.MapNamespace);
        var envKeysB = KeysReadAsEnv(b.Model, ns => ns);
        int matched = 0, onlyA = 0, onlyB = 0;
        foreach (var key in objectsA.Keys.Concat(objectsB.Keys).Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal))
        {
            var ma = objectsA.GetValueOrDefault(key);
            var mb = objectsB.GetValueOrDefault(key);
            if (ma is not null && mb is not null)
            {
                matched++;
                Pair(ctx, a.Model, ma, b.Model, mb, envKeysA.GetValueOrDefault(key) ?? Empty, envKeysB.GetValueOrDefault(key) ?? Empty);
            }
            else if (ma is not null)
            {
                onlyA++;
                ObjectDiff.OnlyOneSide(ctx, ma, inA: true, key.Namespace);
            }
            else if (mb is not null)
            {
                onlyB++;
                ObjectDiff.OnlyOneSide(ctx, mb, inA: false, key.Namespace);
            }
        }

        var shown = new List<EnvDifference>();
        var expected = new List<ExpectedDifference>();
        foreach (var d in ctx.Found)
        {
            if (options.Expected.Match(d) is var (because, where))
            {
                expected.Add(new ExpectedDifference(d, because, where));
            }
            else
            {
                shown.Add(d);
            }
        }
        return new EnvDiffResult
        {
            LabelA = a.Label,
            LabelB = b.Label,
            Differences = Sort(shown),
            Expected = expected.OrderBy(e => e.Difference.Id, StringComparer.Ordinal).ToList(),
            Matched = matched,
            OnlyInA = onlyA,
            OnlyInB = onlyB,
            NamespaceMap = options.NamespaceMap,
        };
    }

    private static readonly HashSet<string> Empty = [];

    /// <summary>Most severe first; then by object, so one object's differences stay together, then by field.</summary>
    private static List<EnvDifference> Sort(IEnumerable<EnvDifference> differences) => differences
        .OrderByDescending(d => d.Severity)
        .ThenBy(d => d.Namespace, StringComparer.Ordinal)
        .ThenBy(d => d.Kind, StringComparer.Ordinal)
        .ThenBy(d => d.Name, StringComparer.Ordinal)
        .ThenBy(d => d.Scope ?? "", StringComparer.Ordinal)
        .ThenBy(d => d.Field, StringComparer.Ordinal)
        .ToList();

    private static Dictionary<ObjectKey, Manifest> Index(SystemModel model, Func<string, string> mapNamespace)
    {
        var index = new Dictionary<ObjectKey, Manifest>();
        foreach (var m in model.Manifests)
        {
            if (m.Kind.Length > 0 && m.Name.Length > 0)
            {
                index.TryAdd(ObjectKey.Of(m, mapNamespace), m);
            }
        }
        return index;
    }

    private static void Pair(DiffContext ctx, SystemModel modelA, Manifest a, SystemModel modelB, Manifest b, ISet<string> envKeysA, ISet<string> envKeysB)
    {
        switch (b.Kind)
        {
            case var k when WorkloadKinds.Contains(k):
                if (modelA.WorkloadOf(a) is { } wa && modelB.WorkloadOf(b) is { } wb)
                {
                    WorkloadDiff.Compare(ctx, modelA, wa, modelB, wb);
                }
                break;
            case "HorizontalPodAutoscaler":
                if (modelA.Autoscalers.FirstOrDefault(h => h.Manifest == a) is { } ha && modelB.Autoscalers.FirstOrDefault(h => h.Manifest == b) is { } hb)
                {
                    ObjectDiff.Autoscaler(ctx, ha, hb);
                }
                break;
            case "PodDisruptionBudget":
                if (modelA.DisruptionBudgets.FirstOrDefault(p => p.Manifest == a) is { } pa && modelB.DisruptionBudgets.FirstOrDefault(p => p.Manifest == b) is { } pb)
                {
                    ObjectDiff.Budget(ctx, pa, pb);
                }
                break;
            case "VirtualService" or "ServiceProfile":
                ObjectDiff.Mesh(ctx, a, b);
                break;
            case "ConfigMap":
                if (modelA.ConfigMaps.FirstOrDefault(c => c.Manifest == a) is { } ca && modelB.ConfigMaps.FirstOrDefault(c => c.Manifest == b) is { } cb)
                {
                    ObjectDiff.ConfigMap(ctx, ca, cb, envKeysA, envKeysB);
                }
                break;
        }
    }

    /// <summary>Per ConfigMap, the keys some container reads as env vars (all of them for envFrom; "*" marks that).</summary>
    private static Dictionary<ObjectKey, ISet<string>> KeysReadAsEnv(SystemModel model, Func<string, string> mapNamespace)
    {
        var result = new Dictionary<ObjectKey, ISet<string>>();
        void Mark(string ns, string configMap, IEnumerable<string> keys)
        {
            var key = new ObjectKey("ConfigMap", mapNamespace(ns), ObjectKey.StripHash(configMap));
            if (!result.TryGetValue(key, out var set))
            {
                result[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.UnionWith(keys);
        }
        foreach (var w in model.Workloads)
        {
            foreach (var c in w.Containers.Concat(w.InitContainers))
            {
                foreach (var envFrom in c.Node.Maps("envFrom"))
                {
                    if (envFrom.Map("configMapRef")?.Str("name") is { } name)
                    {
                        Mark(w.Namespace, name, model.FindConfigMap(w.Namespace, name)?.Data.Keys ?? []);
                    }
                }
                foreach (var e in c.Env)
                {
                    if (e.ConfigMapName is { } name && e.ConfigMapKey is { } key)
                    {
                        Mark(w.Namespace, name, [key]);
                    }
                }
            }
        }
        return result;
    }
}
