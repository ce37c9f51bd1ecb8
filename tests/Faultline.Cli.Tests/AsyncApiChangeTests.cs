using System.Text.Json;

namespace Faultline.Cli.Tests;

public sealed class AsyncApiChangeTests
{
    private static readonly string Streetlights = Path.Combine(Repo.Root, "tests", "Faultline.Sources.Tests", "AsyncApi", "Corpus", "spec-v2.6.0-streetlights-kafka.yml");

    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: lights
          annotations: { faultline.dev/asyncapi: streetlights.yml }
        spec:
          selector: { matchLabels: { app: lights } }
          template:
            metadata: { labels: { app: lights } }
            spec: { containers: [{ name: lights, image: lights:1 }] }
        ---
        apiVersion: faultline.dev/v1alpha1
        kind: Assumptions
        service: dashboard
        consumes:
          - topic: smartylighting.streetlights.1.0.action.{streetlightId}.turn.on
        """;

    private static string System(Func<string, string> change)
    {
        var root = Directory.CreateTempSubdirectory("faultline-asyncapi-").FullName;
        foreach (var side in new[] { "base", "head" })
        {
            Directory.CreateDirectory(Path.Combine(root, side));
            File.WriteAllText(Path.Combine(root, side, "system.yaml"), Manifests);
            var text = File.ReadAllText(Streetlights);
            File.WriteAllText(Path.Combine(root, side, "streetlights.yml"), side == "base" ? text : change(text));
        }
        return root;
    }

    [Fact]
    public void Check_Base_ChannelNoLongerSent_IsHighForItsReader()
    {
        var root = System(text => text.Replace("subscribe:\n      operationId: turnOn", "publish:\n      operationId: turnOn", StringComparison.Ordinal));
        var (_, stdout, _) = Repo.Run(["check", Path.Combine(root, "head"), "--base", Path.Combine(root, "base"), "--format", "json"]);
        var removed = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("ruleId").GetString() == "contract.operation-removed");
        Assert.Equal("high", removed.GetProperty("severity").GetString());
        Assert.Contains("dashboard", removed.GetProperty("message").GetString());
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Check_Base_MessageChangeOnATopicWithAConsumer_IsReportedWithTheConsumer()
    {
        var root = System(text => text.Replace("            - off\n", "            - off\n            - blink\n", StringComparison.Ordinal));
        var (exit, stdout, stderr) = Repo.Run(["check", Path.Combine(root, "head"), "--base", Path.Combine(root, "base"), "--format", "json", "--fail-on", "medium"]);
        Assert.True(exit == 1, stderr + stdout);
        var findings = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("ruleId").GetString() == "contract.response-enum-value-added").ToList();
        Assert.Equal(2, findings.Count);
        var turnOn = findings.Single(f => f.GetProperty("message").GetString()!.Contains("turn.on", StringComparison.Ordinal));
        Assert.Equal("medium", turnOn.GetProperty("severity").GetString());
        Assert.Contains("dashboard handles these messages without saying which fields", turnOn.GetProperty("message").GetString());
        // Nobody said they read turn.off.
        var turnOff = findings.Single(f => f.GetProperty("message").GetString()!.Contains("turn.off", StringComparison.Ordinal));
        Assert.Equal("info", turnOff.GetProperty("severity").GetString());
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Check_HttpCallerOfAServiceWithOnlyAMessageSpec_IsNotReportedAsMissing()
    {
        // The AsyncAPI document says what lights sends, not which HTTP operations it serves.
        var root = System(text => text);
        var head = Path.Combine(root, "head");
        File.AppendAllText(Path.Combine(head, "system.yaml"), "\n  - service: lights\n    operation: GET /status\n    reads: [state]\n");
        var (_, stdout, stderr) = Repo.Run(["check", head, "--format", "json"]);
        var rules = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
        Assert.DoesNotContain("contract.consumer-expects-missing", rules);
        Assert.DoesNotContain("error", stderr, StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }

    private static string Folders(Func<string, IEnumerable<(string File, string Text)>> files)
    {
        var root = Directory.CreateTempSubdirectory("faultline-topics-").FullName;
        foreach (var side in new[] { "base", "head" })
        {
            foreach (var (file, text) in files(side))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, side, file))!);
                File.WriteAllText(Path.Combine(root, side, file), text);
            }
        }
        return root;
    }

    private static List<JsonElement> Findings(string root, string rule)
    {
        var (_, stdout, stderr) = Repo.Run(["check", Path.Combine(root, "head"), "--base", Path.Combine(root, "base"), "--format", "json"]);
        Directory.Delete(root, recursive: true);
        Assert.True(stdout.Length > 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == rule).ToList();
    }

    [Fact]
    public void Check_Base_PartitionsChangedInAnAsyncApiKafkaBinding_IsReported()
    {
        var root = Folders(side => [
            ("system.yaml", Manifests.Replace("streetlights.yml", "orders.yml", StringComparison.Ordinal)
                .Replace("topic: smartylighting.streetlights.1.0.action.{streetlightId}.turn.on", "{ topic: orders, ordering: orderId }", StringComparison.Ordinal)),
            ("orders.yml", $$"""
                asyncapi: 3.0.0
                info: {title: orders, version: '1'}
                channels:
                  orderEvents:
                    address: order-events
                    bindings: { kafka: { topic: orders, partitions: {{(side == "base" ? 6 : 8)}} } }
                    messages:
                      order:
                        payload: { type: object, properties: { orderId: { type: string } } }
                        bindings: { kafka: { key: { type: string, x-faultline-field: orderId } } }
                operations:
                  sendOrder: { action: send, channel: { $ref: '#/channels/orderEvents' } }
                """),
        ]);
        var finding = Assert.Single(Findings(root, "ordering.partitions-changed"));
        Assert.Equal("high", finding.GetProperty("severity").GetString());
        Assert.Contains("topic orders goes from 6 to 8 partitions, while dashboard relies on per-orderId order", finding.GetProperty("message").GetString());
    }

    /// <summary>
    /// orders produces topic orders with a JSON Schema, billing reads id and total from it; the head drops total.
    /// <paramref name="more"/> is appended to the faultline.yaml (more documents, each starting with ---).
    /// </summary>
    private static (string File, string Text)[] OrdersTopic(string side, string more = "") =>
    [
        ("faultline.yaml", """
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: orders
            produces:
              - { topic: orders, key: id, schema: schemas/order.yaml }
            ---
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: billing
            consumes:
              - { topic: orders, reads: [id, total] }

            """ + more),
        ("schemas/order.yaml", side == "base"
            ? "type: object\nproperties:\n  id: {type: string}\n  total: {type: number}\n"
            : "type: object\nproperties:\n  id: {type: string}\n"),
    ];

    [Fact]
    public void Check_Base_FieldReadFromATopicSchemaRemoved_IsHigh()
    {
        var root = Folders(side => OrdersTopic(side));
        var finding = Assert.Single(Findings(root, "contract.response-field-removed"));
        Assert.Equal("high", finding.GetProperty("severity").GetString());
        Assert.Equal("orders: message on topic orders: field 'total' was removed; billing relies on it", finding.GetProperty("message").GetString());
    }

    [Fact]
    public void Check_Base_TopicMessageChange_BlastRadiusRunsThroughItsReaders_NotTheProducersCallers()
    {
        var root = Folders(side => [
            .. OrdersTopic(side),
            ("services.yaml", string.Join("---\n", new[] { ("orders", ""), ("billing", ""), ("storefront", "orders"), ("reports", "billing") }.Select(s => $$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: {{s.Item1}} }
                spec:
                  selector: { matchLabels: { app: {{s.Item1}} } }
                  template:
                    metadata: { labels: { app: {{s.Item1}} } }
                    spec: { containers: [{ name: app, image: {{s.Item1}}:1, ports: [{ containerPort: 8080 }]{{(s.Item2 == "" ? "" : $", env: [{{ name: UPSTREAM_ADDR, value: \"{s.Item2}:80\" }}]")}} }] }
                ---
                apiVersion: v1
                kind: Service
                metadata: { name: {{s.Item1}} }
                spec: { selector: { app: {{s.Item1}} }, ports: [{ port: 80, targetPort: 8080 }] }

                """))),
        ]);
        var finding = Assert.Single(Findings(root, "contract.response-field-removed"));
        // storefront calls orders, but what orders writes to the topic hurts billing and whoever calls billing.
        Assert.Equal(["billing", "reports"], finding.GetProperty("blastRadius").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["reports", "billing"], finding.GetProperty("blastPath").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void Check_Base_CallsDeclaredOnlyInFaultlineYaml_CountForTheBlastRadius()
    {
        var root = Folders(side => OrdersTopic(side, """
            ---
            apiVersion: faultline.dev/v1alpha1
            kind: Assumptions
            service: reports
            consumes:
              - { service: billing, timeout: 2s }
            """));
        var finding = Assert.Single(Findings(root, "contract.response-field-removed"));
        Assert.Equal(["reports", "billing"], finding.GetProperty("blastPath").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
