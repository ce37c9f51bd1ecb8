using Faultline.Core.Documents;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests;

/// <summary>Chart.yaml files in the input are read as chart metadata; chart templates are left for Helm to render.</summary>
public sealed class ChartMetadataTests
{
    private const string Service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  selector: {app: cart}\n  ports: [{port: 7070}]\n";

    [Fact]
    public void Load_ChartFolder_ReadsChartYamlAndSkipsTemplates()
    {
        using var dir = new TempDir();
        dir.Write("reporting/Chart.yaml", "apiVersion: v2\nname: reporting\nversion: 2.3.1\nkubeVersion: \">=1.19.0-0 <1.25.0-0\"\nannotations:\n  team: analytics\n");
        dir.Write("reporting/values.yaml", "replicaCount: 1\n");
        dir.Write("reporting/templates/deployment.yaml", "metadata:\n  name: {{ include \"x\" . }}\n");
        dir.Write("reporting/crds/svc.yaml", Service);

        var set = new ManifestLoader(new InputOptions()).Load([dir.Path]);

        var chart = Assert.Single(set.Charts);
        Assert.Equal("reporting", chart.Name);
        Assert.Equal("2.3.1", chart.Version);
        Assert.Equal(">=1.19.0-0 <1.25.0-0", chart.KubeVersion);
        Assert.Equal(4, chart.Location.Line);
        Assert.Equal("analytics", chart.Owner);
        Assert.Single(set.Manifests);
        Assert.DoesNotContain(set.Diagnostics, d => d.Level != DiagnosticLevel.Note);
        Assert.Contains(set.Diagnostics, d => d.Message.StartsWith("Helm chart templates are not read", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ChartWithoutKubeVersion_HasNoConstraintAndNoOwner()
    {
        using var dir = new TempDir();
        var file = dir.Write("Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");

        var chart = Assert.Single(new ManifestLoader(new InputOptions()).Load([file]).Charts);

        Assert.Null(chart.KubeVersion);
        Assert.Equal(1, chart.Location.Line);
        Assert.Equal("unowned", chart.Owner);
    }

    [Fact]
    public void Load_TemplatesFolderOutsideAChart_IsRead()
    {
        using var dir = new TempDir();
        dir.Write("templates/svc.yaml", Service);

        Assert.Single(new ManifestLoader(new InputOptions()).Load([dir.Path]).Manifests);
    }
}
