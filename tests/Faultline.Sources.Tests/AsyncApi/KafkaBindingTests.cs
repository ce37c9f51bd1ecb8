using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.AsyncApi;

namespace Faultline.Sources.Tests.AsyncApi;

public sealed class KafkaBindingTests
{
    private static ApiSpec Read(string text)
    {
        var diagnostics = new List<InputDiagnostic>();
        var spec = AsyncApiReader.Read("orders.yml", diagnostics, p => p == "orders.yml" ? text : null);
        Assert.True(diagnostics.All(d => d.Level != DiagnosticLevel.Error), string.Join("\n", diagnostics));
        return spec!;
    }

    private static string V2(string key) => $$"""
        asyncapi: '2.6.0'
        info: {title: orders, version: '1'}
        channels:
          order-events:
            bindings:
              kafka: {topic: shop.orders, partitions: 12, replicas: 3}
            subscribe:
              message:
                payload:
                  type: object
                  properties:
                    orderId: {type: string}
                    customerId: {type: string}
                bindings:
                  kafka:
                    key: {{key}}
        """;

    [Fact]
    public void V2_ChannelBinding_GivesTopicAndPartitions_KeyFieldFromXFaultlineField()
    {
        var op = Read(V2("{type: string, x-faultline-field: orderId}")).Operations.Single();
        Assert.Equal("SEND /order-events", op.Key);
        var kafka = op.Kafka!;
        Assert.Equal("shop.orders", kafka.Topic);
        Assert.Equal(12, kafka.Partitions);
        Assert.Equal(6, kafka.PartitionsAt!.Value.Line);
        Assert.Equal("orderId", kafka.KeyField);
        Assert.Equal("{\"type\":\"string\"}", kafka.KeySchema);
    }

    [Fact]
    public void V2_KeyTitleNamingAPayloadProperty_IsTheKeyField()
    {
        Assert.Equal("customerId", Read(V2("{type: string, title: customerId}")).Operations.Single().Kafka!.KeyField);
    }

    [Fact]
    public void V2_KeyWithoutConvention_HasOnlyItsCanonicalSchema()
    {
        var kafka = Read(V2("{type: string, format: uuid, description: the key, title: Order key}")).Operations.Single().Kafka!;
        Assert.Null(kafka.KeyField);
        Assert.Equal("{\"format\":\"uuid\",\"type\":\"string\"}", kafka.KeySchema);
        // Annotations and key order do not change the canonical form.
        Assert.Equal(kafka.KeySchema, Read(V2("{format: uuid, type: string}")).Operations.Single().Kafka!.KeySchema);
    }

    [Fact]
    public void V3_ChannelBindingPartitions_AndKeyAsRefToAPayloadProperty()
    {
        var spec = Read("""
            asyncapi: 3.0.0
            info: {title: orders, version: '1'}
            channels:
              orders:
                address: orders
                messages:
                  order: {$ref: '#/components/messages/Order'}
                bindings:
                  kafka: {partitions: 6}
            operations:
              sendOrder:
                action: send
                channel: {$ref: '#/channels/orders'}
            components:
              messages:
                Order:
                  payload:
                    type: object
                    properties:
                      orderId: {type: string}
                  bindings:
                    kafka:
                      key: {$ref: '#/components/messages/Order/payload/properties/orderId'}
            """);
        var kafka = spec.Operations.Single().Kafka!;
        Assert.Equal("orders", kafka.Topic);
        Assert.Equal(6, kafka.Partitions);
        Assert.Equal("orderId", kafka.KeyField);
        Assert.Equal("{\"type\":\"string\"}", kafka.KeySchema);
    }

    [Fact]
    public void NoKafkaBinding_LeavesKafkaNull()
    {
        var spec = Read(Path.Combine(AppContext.BaseDirectory, "AsyncApi", "Corpus", "spec-v2.6.0-streetlights-kafka.yml") is var file
            ? File.ReadAllText(file).Replace("bindings:", "x-bindings:", StringComparison.Ordinal) : "");
        Assert.All(spec.Operations, o => Assert.Null(o.Kafka));
    }
}
