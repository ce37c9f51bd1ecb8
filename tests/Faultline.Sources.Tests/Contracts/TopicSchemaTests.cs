using Faultline.Core.Documents;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests.Contracts;

public sealed class TopicSchemaTests
{
    private const string Assumptions = """
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: checkout
        produces:
          - topic: orders
            key: orderId
            schema: schemas/order.json
        ---
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: shipping
        consumes:
          - topic: orders
            reads: [orderId, amount.currency]
        """;

    [Fact]
    public void ProducedTopicSchema_BecomesASendOperation_WithRefsResolved_AndReadsBecomeExpectations()
    {
        using var dir = new TempDir();
        dir.Write("faultline.yaml", Assumptions);
        dir.Write("schemas/order.json", """
            {
              "type": "object",
              "required": ["orderId"],
              "properties": {
                "orderId": {"type": "string"},
                "amount": {"$ref": "money.yaml#/Money"}
              }
            }
            """);
        dir.Write("schemas/money.yaml", "Money:\n  type: object\n  properties:\n    currency: {type: string}\n");
        var system = SystemLoader.Load([dir.Path], new InputOptions());
        Assert.DoesNotContain(system.Diagnostics, d => d.Level == DiagnosticLevel.Error);
        var checkout = Assert.Single(system.Model.Contracts.Interfaces);
        Assert.Equal("checkout", checkout.Service);
        var send = Assert.Single(checkout.Spec.Operations);
        Assert.Equal("SEND /orders", send.Key);
        var payload = send.Responses.Single().Content["application/json"]!;
        Assert.Equal(["string"], payload.Properties["amount"].Properties["currency"].Types);
        var reader = Assert.Single(system.Model.Contracts.Expectations, e => e.Consumer == "shipping");
        Assert.Equal(["orderId", "amount.currency"], reader.Reads);
        Assert.Equal("/orders", reader.Path);
    }

    [Theory]
    [InlineData(null, "faultline.yaml", 5, "does not exist")]
    [InlineData("{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/definitions/Nope\"}}}", "order.json", 1, "Nope")]
    [InlineData("name: order\nfields: [a, b]\n", "order.json", 1, "not a JSON Schema")]
    [InlineData("- a\n- b\n", "order.json", 1, "not a JSON Schema")]
    public void BadSchema_IsADiagnosticWithFileAndLine_AndTheRestIsStillRead(string? schema, string file, int line, string message)
    {
        using var dir = new TempDir();
        dir.Write("faultline.yaml", Assumptions);
        if (schema is not null)
        {
            dir.Write("schemas/order.json", schema);
        }
        var system = SystemLoader.Load([dir.Path], new InputOptions());
        var error = Assert.Single(system.Diagnostics, d => d.Level == DiagnosticLevel.Error);
        Assert.EndsWith(file, error.Location.File);
        Assert.Equal(line, error.Location.Line);
        Assert.Contains(message, error.Message);
        Assert.Equal(2, system.Model.Contracts.Assumptions.Count);
    }

    [Fact]
    public void EveryFileIsReadOnce_ThoughItsExistenceIsCheckedFirst()
    {
        using var dir = new TempDir();
        var file = dir.Write("faultline.yaml", """
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: checkout
            provides: {openapi: api.yaml, asyncapi: events.yaml}
            produces:
              - {topic: orders, schema: order.json}
            """);
        var set = new ManifestLoader(new InputOptions()).Load([file]);
        var texts = new Dictionary<string, string>
        {
            ["api.yaml"] = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
            ["events.yaml"] = "asyncapi: '2.6.0'\ninfo: {title: e, version: '1'}\nchannels: {}\n",
            ["order.json"] = "{\"type\": \"object\", \"properties\": {\"orderId\": {\"type\": \"string\"}}}",
        };
        var reads = new List<string>();
        var diagnostics = new List<InputDiagnostic>();
        var contracts = Faultline.Sources.Contracts.ContractLoader.Load(set.Manifests, set.Others, diagnostics, path =>
        {
            reads.Add(Path.GetFileName(path));
            return texts.GetValueOrDefault(Path.GetFileName(path));
        });
        Assert.Empty(diagnostics);
        Assert.Contains(contracts.Interfaces.SelectMany(i => i.Spec.Operations), o => o.Path == "/orders");
        Assert.Equal(["api.yaml", "events.yaml", "order.json"], reads.Order());
    }
}
