using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Sources.Inputs;

namespace Faultline.Core.Tests.Rules;

/// <summary>The ordering and contract rules on topics whose partitions, keys and messages come from AsyncAPI and JSON Schema.</summary>
public sealed class TopicRulesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faultline-topics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An orders producer whose AsyncAPI document has the given channel binding and message key.</summary>
    private static string AsyncApi(string channelBinding, string key) => $$"""
        asyncapi: '2.6.0'
        info: {title: orders, version: '1'}
        channels:
          orders:
            bindings: { kafka: {{channelBinding}} }
            subscribe:
              message:
                payload:
                  type: object
                  properties:
                    orderId: {type: string}
                    customerId: {type: string}
                bindings: { kafka: { key: {{key}} } }
        """;

    private static string System(string asyncapiFile, string extra = "") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: checkout
          annotations: { faultline.dev/asyncapi: {{asyncapiFile}} }
        spec:
          selector: { matchLabels: { app: checkout } }
          template:
            metadata: { labels: { app: checkout } }
            spec: { containers: [{ name: checkout, image: checkout:1.0.0 }] }
        ---
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: shipping
        consumes:
          - { topic: orders, ordering: orderId }
        {{extra}}
        """;

    /// <summary>Writes a base and a head (each a system file and its AsyncAPI document) and checks the head against the base.</summary>
    private List<Finding> Change(string baseApi, string headApi, string baseExtra = "", string headExtra = "")
    {
        File.WriteAllText(Path.Combine(_dir, "orders.base.yml"), baseApi);
        File.WriteAllText(Path.Combine(_dir, "orders.yml"), headApi);
        File.WriteAllText(Path.Combine(_dir, "system.base.yaml"), System("orders.base.yml", baseExtra));
        var head = Path.Combine(_dir, "system.yaml");
        File.WriteAllText(head, System("orders.yml", headExtra));
        return RuleFixtureTests.Check(head).Findings.ToList();
    }

    private const string Strimzi6 = """
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaTopic
        metadata: { name: orders }
        spec: { partitions: 6 }
        """;

    [Fact]
    public void PartitionsChanged_InTheAsyncApiBinding_Fires()
    {
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string}"), AsyncApi("{partitions: 12}", "{type: string}"));
        var finding = Assert.Single(findings, f => f.RuleId == "ordering.partitions-changed");
        Assert.Contains("topic orders goes from 6 to 12 partitions", finding.Message);
        Assert.StartsWith("AsyncAPI binding orders", finding.Evidence);
        Assert.EndsWith("orders.yml", finding.Location.File);
    }

    [Fact]
    public void PartitionsChanged_BindingRenamesTheTopic_MatchesTheConsumerByTopicName()
    {
        var findings = Change(AsyncApi("{topic: orders, partitions: 6}", "{type: string}").Replace("  orders:\n", "  order-events:\n", StringComparison.Ordinal),
            AsyncApi("{topic: orders, partitions: 3}", "{type: string}").Replace("  orders:\n", "  order-events:\n", StringComparison.Ordinal));
        Assert.Single(findings, f => f.RuleId == "ordering.partitions-changed");
    }

    [Fact]
    public void PartitionsChanged_OnlyInTheBinding_WhileAKafkaTopicSaysOtherwise_DoesNotFire_AndWarns()
    {
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string}"), AsyncApi("{partitions: 12}", "{type: string}"), Strimzi6, Strimzi6);
        Assert.DoesNotContain(findings, f => f.RuleId == "ordering.partitions-changed");
        var loaded = SystemLoader.Load([Path.Combine(_dir, "system.yaml")], new InputOptions());
        var warning = Assert.Single(loaded.Diagnostics, d => d.Level == DiagnosticLevel.Warning && d.Message.Contains("partitions", StringComparison.Ordinal));
        Assert.Contains("the KafkaTopic is used", warning.Message);
        Assert.EndsWith("orders.yml", warning.Location.File);
    }

    [Fact]
    public void KeyChanged_KeyFieldInTheAsyncApiBinding_Fires()
    {
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string, x-faultline-field: orderId}"), AsyncApi("{partitions: 6}", "{type: string, x-faultline-field: customerId}"));
        var finding = Assert.Single(findings, f => f.RuleId == "ordering.key-changed");
        Assert.Contains("checkout now keys topic orders by customerId instead of orderId", finding.Message);
        // The consumer orders by orderId and the head keys by customerId.
        Assert.Single(findings, f => f.RuleId == "ordering.key-not-produced");
    }

    [Fact]
    public void KeyChanged_KeySchemaWithoutAField_ComparesTheSchema()
    {
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string}"), AsyncApi("{partitions: 6}", "{type: integer}"));
        var finding = Assert.Single(findings, f => f.RuleId == "ordering.key-changed");
        Assert.Contains("by the key schema {\"type\":\"integer\"} instead of the key schema {\"type\":\"string\"}", finding.Message);
        // Which field the key is stays unknown, so it is not known to differ from orderId.
        Assert.DoesNotContain(findings, f => f.RuleId == "ordering.key-not-produced");
    }

    [Fact]
    public void KeyChanged_OnlyAnnotationsOfTheKeySchemaChanged_DoesNotFire()
    {
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string, description: the order}"), AsyncApi("{partitions: 6}", "{description: the order's id, type: string}"));
        Assert.DoesNotContain(findings, f => f.RuleId.StartsWith("ordering.", StringComparison.Ordinal));
    }

    [Fact]
    public void KeyChanged_FaultlineYamlProducesStaysAuthoritative()
    {
        const string produces = """
            ---
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: checkout
            produces:
              - { topic: orders, key: orderId }
            """;
        var findings = Change(AsyncApi("{partitions: 6}", "{type: string, x-faultline-field: orderId}"), AsyncApi("{partitions: 6}", "{type: string, x-faultline-field: customerId}"), produces, produces);
        Assert.DoesNotContain(findings, f => f.RuleId is "ordering.key-changed" or "ordering.key-not-produced");
    }

    [Fact]
    public void TopicSchema_ReadFieldRemoved_IsHighAndWordedAsAMessage()
    {
        File.WriteAllText(Path.Combine(_dir, "order.base.json"), """{"type": "object", "properties": {"id": {"type": "string"}, "amount": {"type": "object", "properties": {"currency": {"type": "string"}}}}}""");
        File.WriteAllText(Path.Combine(_dir, "order.json"), """{"type": "object", "properties": {"id": {"type": "string"}, "amount": {"type": "object", "properties": {"value": {"type": "number"}}}}}""");
        static string Doc(string schema) => $$"""
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: checkout
            produces:
              - { topic: orders, key: id, schema: {{schema}} }
            ---
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: shipping
            consumes:
              - { topic: orders, reads: [id, amount.currency] }
            """;
        File.WriteAllText(Path.Combine(_dir, "topics.base.yaml"), Doc("order.base.json"));
        var head = Path.Combine(_dir, "topics.yaml");
        File.WriteAllText(head, Doc("order.json"));
        var findings = RuleFixtureTests.Check(head).Findings;
        var removed = Assert.Single(findings, f => f.RuleId == "contract.response-field-removed");
        Assert.Equal(Severity.High, removed.Severity);
        Assert.Equal("checkout: message on topic orders: field 'amount.currency' was removed; shipping relies on it", removed.Message);
        var missing = Assert.Single(findings, f => f.RuleId == "contract.consumer-expects-missing");
        Assert.Equal("shipping reads topic orders from checkout and reads amount.currency, which the messages on topic orders do not have", missing.Message);
    }
}
