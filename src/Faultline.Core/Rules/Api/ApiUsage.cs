using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Core.Upgrade;

namespace Faultline.Core.Rules.Api;

/// <summary>The objects of a model whose apiVersion and kind the lifecycle table knows, and how findings name them.</summary>
internal static class ApiUsage
{
    public static IEnumerable<(Manifest Manifest, ApiLifecycleEntry Api)> Find(SystemModel model, ApiLifecycle lifecycle)
    {
        foreach (var m in model.Manifests)
        {
            if (lifecycle.Find(m.ApiVersion, m.Kind) is { } api)
            {
                yield return (m, api);
            }
        }
    }

    /// <summary>The graph node a finding belongs to: the workload's Service, a Service itself, else the object's name.</summary>
    public static string ServiceOf(SystemModel model, Manifest m) =>
        model.WorkloadOf(m) is { } w ? model.ComponentName(w) : m.Name;

    public static string Evidence(ApiLifecycleEntry api)
    {
        var lifecycle = api.RemovedIn is { } r ? $"deprecated in {api.DeprecatedIn}, not served from {r}" : $"deprecated in {api.DeprecatedIn}, no removal scheduled";
        var replacement = api.ReplacementText is { } text ? $"; replacement {text} (served since {api.ReplacementAvailableIn})" : "; no replacement API";
        var notes = api.Notes.Length > 0 ? $". Beyond the rename: {api.Notes}" : "";
        return $"{api.ApiVersion} {api.Kind}: {lifecycle}{replacement}{notes}";
    }
}
