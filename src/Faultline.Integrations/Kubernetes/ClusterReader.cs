using System.Text.Json;
using Faultline.Core.Documents;
using k8s;

namespace Faultline.Integrations.Kubernetes;

/// <summary>What a live cluster says: its version, the API versions it serves, and the objects as they were applied.</summary>
public sealed record ClusterSnapshot(string? GitVersion, IReadOnlySet<string> ServedGroupVersions, IReadOnlyList<(string Name, string Json)> AppliedObjects);

/// <summary>
/// Reads a cluster through the Kubernetes API for upgrade planning. Objects are taken from their
/// kubectl.kubernetes.io/last-applied-configuration annotation, as Pluto does: the API server converts what it
/// stores to the version asked for, so only what was applied shows which apiVersion the team's files still use.
/// Objects without the annotation are counted, not guessed. All judgement stays in the offline planner.
/// </summary>
public sealed class ClusterReader(HttpClient http, Uri server)
{
    private readonly Uri _base = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");

    public const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Collections read, by the path of their current API version.</summary>
    internal static readonly string[] Collections =
    [
        "apis/apps/v1/deployments", "apis/apps/v1/statefulsets", "apis/apps/v1/daemonsets", "apis/batch/v1/cronjobs",
        "apis/batch/v1/jobs", "api/v1/services", "api/v1/configmaps", "apis/policy/v1/poddisruptionbudgets",
        "apis/autoscaling/v2/horizontalpodautoscalers", "apis/networking.k8s.io/v1/ingresses", "api/v1/nodes",
    ];

    /// <summary>A reader from a kubeconfig (path and context optional) or, inside a pod, the service account.</summary>
    public static ClusterReader Connect(string? kubeconfig, string? context)
    {
        var config = kubeconfig is null && context is null && KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
        var client = new k8s.Kubernetes(config);
        return new ClusterReader(client.HttpClient, client.BaseUri);
    }

    public async Task<ClusterSnapshot> ReadAsync(List<InputDiagnostic> diagnostics, CancellationToken cancel = default)
    {
        var location = new SourceLocation(_base.ToString(), 0);
        string? version = null;
        var served = new HashSet<string>(StringComparer.Ordinal);
        var objects = new List<(string, string)>();
        var withoutAnnotation = 0;
        try
        {
            using (var doc = await Get("version", cancel))
            {
                version = doc.RootElement.TryGetProperty("gitVersion", out var v) ? v.GetString() : null;
            }
            using (var core = await Get("api", cancel))
            {
                foreach (var v in core.RootElement.GetProperty("versions").EnumerateArray())
                {
                    served.Add(v.GetString()!);
                }
            }
            using (var groups = await Get("apis", cancel))
            {
                foreach (var g in groups.RootElement.GetProperty("groups").EnumerateArray())
                {
                    foreach (var v in g.GetProperty("versions").EnumerateArray())
                    {
                        served.Add(v.GetProperty("groupVersion").GetString()!);
                    }
                }
            }
            foreach (var collection in Collections)
            {
                using var list = await Get(collection, cancel);
                foreach (var item in list.RootElement.GetProperty("items").EnumerateArray())
                {
                    var metadata = item.GetProperty("metadata");
                    var name = metadata.GetProperty("name").GetString();
                    var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString() : null;
                    if (metadata.TryGetProperty("annotations", out var annotations) && annotations.TryGetProperty(LastApplied, out var applied))
                    {
                        objects.Add(($"cluster:{(ns is null ? "" : ns + "/")}{collection[(collection.LastIndexOf('/') + 1)..]}/{name}", applied.GetString()!));
                    }
                    else if (collection == "api/v1/nodes")
                    {
                        // Nodes are never applied by users, but their kubelet versions matter for skew.
                        objects.Add(($"cluster:nodes/{name}", "{\"apiVersion\":\"v1\",\"kind\":\"Node\"," + item.GetRawText()[1..]));
                    }
                    else
                    {
                        withoutAnnotation++;
                    }
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, location, $"cannot read the cluster: {e.Message}"));
        }
        if (withoutAnnotation > 0)
        {
            diagnostics.Add(new(DiagnosticLevel.Note, location, $"{withoutAnnotation} objects have no {LastApplied} annotation (created by controllers or server-side apply); their applied apiVersion is unknown"));
        }
        return new ClusterSnapshot(version, served, objects);
    }

    private async Task<JsonDocument> Get(string path, CancellationToken cancel)
    {
        using var response = await http.GetAsync(new Uri(_base, path), cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /{path} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancel);
    }
}
