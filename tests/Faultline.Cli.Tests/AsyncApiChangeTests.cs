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
}
