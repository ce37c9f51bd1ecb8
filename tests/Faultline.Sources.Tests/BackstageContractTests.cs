using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.Contracts;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests;

public sealed class BackstageContractTests
{
    private const string Catalog = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: checkout}
        spec:
          type: service
          consumesApis: ["api:default/payments"]
          dependsOn: ["component:default/inventory", "resource:orders-db", "shipping"]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: payment}
        spec: {type: service, providesApis: [payments]}
        """;

    [Fact]
    public void Load_ConsumesApisAndDependsOn_BecomeExpectations()
    {
        using var dir = new TempDir();
        var file = dir.Write("catalog-info.yaml", Catalog);
        var set = new ManifestLoader(new InputOptions()).Load([file]);
        var diagnostics = new List<InputDiagnostic>();

        var contracts = ContractLoader.Load(set.Manifests, set.Others, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(["inventory", "payment", "shipping"], contracts.Expectations.Where(e => e.Consumer == "checkout").Select(e => e.Provider).Order());
        Assert.All(contracts.Expectations, e => Assert.Equal(ExpectationOrigin.Backstage, e.Origin));
        Assert.All(contracts.Expectations, e => Assert.Null(e.Method));
    }
}
