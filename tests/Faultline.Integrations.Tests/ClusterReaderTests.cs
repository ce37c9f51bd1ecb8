using Faultline.Core.Documents;
using Faultline.Integrations.Kubernetes;

namespace Faultline.Integrations.Tests;

public sealed class ClusterReaderTests
{
    [Fact]
    public async Task Read_RecordedCluster_ReturnsVersionServedApisAndAppliedObjects()
    {
        using var server = new RecordedApiServer();
        var reader = ClusterReader.Connect(server.WriteKubeconfig(), null);
        var diagnostics = new List<InputDiagnostic>();

        var snapshot = await reader.ReadAsync(diagnostics);

        Assert.Equal("v1.21.14", snapshot.GitVersion);
        Assert.Contains("v1", snapshot.ServedGroupVersions);
        Assert.Contains("networking.k8s.io/v1beta1", snapshot.ServedGroupVersions);
        Assert.Equal(
            ["cluster:nodes/node-a", "cluster:nodes/node-b", "cluster:shop/deployments/web", "cluster:shop/ingresses/web", "cluster:shop/poddisruptionbudgets/web"],
            snapshot.AppliedObjects.Select(o => o.Name).Order());
        Assert.Contains("\"apiVersion\":\"networking.k8s.io/v1beta1\"", snapshot.AppliedObjects.Single(o => o.Name.EndsWith("ingresses/web", StringComparison.Ordinal)).Json);
        var note = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticLevel.Note, note.Level);
        Assert.Contains("1 objects have no", note.Message);
        Assert.Contains("apis/apps/v1/deployments", server.Requests);
    }

    [Fact]
    public async Task Read_UnreachableServer_IsAnErrorNotACrash()
    {
        using var server = new RecordedApiServer();
        var kubeconfig = server.WriteKubeconfig();
        server.Dispose();
        var diagnostics = new List<InputDiagnostic>();

        var snapshot = await ClusterReader.Connect(kubeconfig, null).ReadAsync(diagnostics);

        Assert.Empty(snapshot.AppliedObjects);
        Assert.Contains(diagnostics, d => d.Level == DiagnosticLevel.Error && d.Message.StartsWith("cannot read the cluster", StringComparison.Ordinal));
    }
}
