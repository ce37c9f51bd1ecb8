using Faultline.Core.Documents;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests.Inputs;

public sealed class AssumedNamesTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Service
        metadata: { name: payment }
        spec: { selector: { app: payment }, ports: [{ port: 80 }] }
        ---
        apiVersion: v1
        kind: Service
        metadata: { name: checkout }
        spec: { selector: { app: checkout }, ports: [{ port: 80 }] }
        ---
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: checkout
        consumes:
          - service: paymnet
            timeout: 1s
          - service: bank
            timeout: 2s
        ---
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: chekout
        """;

    [Fact]
    public void ACalleeCloseToAKnownService_IsAWarningWithTheLine_AnExternalOneIsNot()
    {
        using var dir = new TempDir();
        dir.Write("system.yaml", Manifests);
        var system = SystemLoader.Load([dir.Path], new InputOptions());
        var typo = Assert.Single(system.Diagnostics, d => d.Message.Contains("'paymnet'", StringComparison.Ordinal));
        Assert.Equal(DiagnosticLevel.Warning, typo.Level);
        Assert.Equal(15, typo.Location.Line);
        Assert.Contains("did you mean 'payment'?", typo.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(system.Diagnostics, d => d.Message.Contains("'bank'", StringComparison.Ordinal));
        var described = Assert.Single(system.Diagnostics, d => d.Message.Contains("'chekout'", StringComparison.Ordinal));
        Assert.Contains("did you mean 'checkout'?", described.Message, StringComparison.Ordinal);
    }
}
