using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>One env var as the container sees it, with where its value came from.</summary>
public sealed record ResolvedEnv(string Name, string Value, string Source, SourceLocation Location);

/// <summary>
/// The environment of a container as the kubelet builds it: envFrom ConfigMaps first, then env in order, with
/// values from ConfigMap keys and $(VAR) expanded from the variables defined before. Secrets and field
/// references have no value offline and are left out.
/// </summary>
public static class ContainerEnvironment
{
    public static IReadOnlyList<ResolvedEnv> Resolve(SystemModel model, Workload w, Container c)
    {
        var result = new List<ResolvedEnv>();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var envFrom in c.Node.Maps("envFrom"))
        {
            if (envFrom.Map("configMapRef")?.Str("name") is not { } cmName || model.FindConfigMap(w.Namespace, cmName) is not { } cm)
            {
                continue;
            }
            var prefix = envFrom.Str("prefix") ?? "";
            foreach (var (key, value) in cm.Data)
            {
                env[prefix + key] = value.Value;
                result.Add(new ResolvedEnv(prefix + key, value.Value, $"env {prefix + key} (envFrom ConfigMap {cm.Name})", cm.Manifest.At(value)));
            }
        }
        foreach (var e in c.Env)
        {
            string? value;
            string source;
            if (e.ConfigMapName is not null && e.ConfigMapKey is not null)
            {
                value = model.FindConfigMap(w.Namespace, e.ConfigMapName)?.Data.GetValueOrDefault(e.ConfigMapKey)?.Value;
                source = $"env {e.Name} (ConfigMap {e.ConfigMapName} key {e.ConfigMapKey})";
            }
            else
            {
                value = e.Value is null ? null : EnvExpansion.Expand(e.Value, env);
                source = $"env {e.Name}";
            }
            if (value is null)
            {
                continue;
            }
            env[e.Name] = value;
            result.Add(new ResolvedEnv(e.Name, value, source, w.Manifest.At(e.Node)));
        }
        return result;
    }

    /// <summary>The environment as a map, for expanding $(VAR) in command and args.</summary>
    public static IReadOnlyDictionary<string, string> AsMap(IReadOnlyList<ResolvedEnv> env)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in env)
        {
            map[e.Name] = e.Value;
        }
        return map;
    }
}
