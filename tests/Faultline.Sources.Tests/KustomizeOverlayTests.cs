using Faultline.Core.Documents;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests;

/// <summary>A value an overlay sets (patch, images, replicas) points at the overlay; the rest at the base.</summary>
public sealed class KustomizeOverlayTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          replicas: 1
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: ghcr.io/acme/api:1.0.0
                  resources:
                    requests:
                      memory: 128Mi
        """;

    [Fact]
    public void Load_Overlay_PointsPatchedValuesAtThePatchAndTransformersAtTheKustomization()
    {
        using var dir = new TempDir();
        var baseFile = dir.Write("base/api.yaml", Deployment);
        dir.Write("base/kustomization.yaml", "resources: [api.yaml]\n");
        var patch = dir.Write("prod/limits.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      resources:
                        limits:
                          memory: 512Mi
            """);
        var kustomization = dir.Write("prod/kustomization.yaml", """
            namespace: shop
            resources: [../base]
            patches:
              - path: limits.yaml
              - patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: api
                  spec:
                    template:
                      spec:
                        nodeSelector:
                          pool: highmem
            images:
              - name: ghcr.io/acme/api
                newTag: 1.1.0
            replicas:
              - name: api
                count: 3
            """);

        var set = new ManifestLoader(new InputOptions()).Load([Path.Combine(dir.Path, "prod")]);

        Assert.DoesNotContain(set.Diagnostics, d => d.Level == DiagnosticLevel.Error);
        var m = Assert.Single(set.Manifests);
        var pod = m.Root.Map("spec")!.Map("template")!.Map("spec")!;
        var container = pod.Maps("containers").Single();
        var resources = container.Map("resources")!;
        Assert.Equal(new SourceLocation(patch, 12), m.At(resources.Map("limits")!["memory"]));
        Assert.Equal(new SourceLocation(baseFile, 18), m.At(resources.Map("requests")!["memory"]));
        Assert.Equal(new SourceLocation(kustomization, 17), m.At(container["image"]));
        Assert.Equal(new SourceLocation(kustomization, 20), m.At(m.Root.Map("spec")!["replicas"]));
        Assert.Equal(new SourceLocation(kustomization, 14), m.At(pod.Map("nodeSelector")!["pool"]));
        Assert.Equal(new SourceLocation(baseFile, 1), m.Location);
    }
}
