using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.AsyncApi;

namespace Faultline.Sources.Tests.AsyncApi;

public sealed class AsyncApiReaderTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "AsyncApi", "Corpus");

    private static ApiSpec Read(string file, Func<string, string?>? readFile = null)
    {
        var diagnostics = new List<InputDiagnostic>();
        var spec = AsyncApiReader.Read(file, diagnostics, readFile);
        Assert.True(diagnostics.All(d => d.Level != DiagnosticLevel.Error), string.Join("\n", diagnostics));
        return spec!;
    }

    [Fact]
    public void Streetlights2_SubscribeIsSend_PublishIsReceive_WithPayloads()
    {
        var spec = Read(Path.Combine(Corpus, "spec-v2.6.0-streetlights-kafka.yml"));
        Assert.Equal(
            [
                "RECEIVE /smartylighting.streetlights.1.0.event.{}.lighting.measured",
                "SEND /smartylighting.streetlights.1.0.action.{}.turn.on",
                "SEND /smartylighting.streetlights.1.0.action.{}.turn.off",
                "SEND /smartylighting.streetlights.1.0.action.{}.dim",
            ],
            spec.Operations.Select(o => o.Key));
        var measured = spec.Operations[0].RequestBody!.Content["application/json"]!;
        Assert.Equal(["integer"], measured.Properties["lumens"].Types);
        var turnOn = spec.Operations[1].Responses.Single().Content["application/json"]!;
        Assert.Equal(["\"on\"", "\"off\""], turnOn.Properties["command"].Enum);
    }

    [Fact]
    public void Streetlights3_GivesTheSameOperationsAsVersion2()
    {
        var v2 = Read(Path.Combine(Corpus, "spec-v2.6.0-streetlights-kafka.yml"));
        var v3 = Read(Path.Combine(Corpus, "spec-v3.0.0-streetlights-kafka-asyncapi.yml"));
        Assert.Equal(v2.Operations.Select(o => o.Key).Order(), v3.Operations.Select(o => o.Key).Order());
        Assert.DoesNotContain(SpecDiff.Diff(v2, v3), c => c.RuleId == SpecDiff.RuleIds.OperationRemoved);
    }

    [Fact]
    public void RequestReply3_ReadsWithoutErrors()
    {
        var spec = Read(Path.Combine(Corpus, "spec-v3.0.0-adeo-kafka-request-reply-asyncapi.yml"));
        Assert.NotEmpty(spec.Operations);
        Assert.All(spec.Operations, o => Assert.True(o.Method is ApiOperation.Send or ApiOperation.Receive));
    }

    [Fact]
    public void Diff_SentMessageGainsAnEnumValue_IsABreakForReaders()
    {
        var path = Path.Combine(Corpus, "spec-v2.6.0-streetlights-kafka.yml");
        var text = File.ReadAllText(path);
        var changed = text.Replace("            - on\n            - off\n", "            - on\n            - off\n            - blink\n", StringComparison.Ordinal);
        Assert.NotEqual(text, changed);
        var head = Read("head.yml", p => p == "head.yml" ? changed : null);
        var changes = SpecDiff.Diff(Read(path), head);
        var added = changes.Where(c => c.RuleId == SpecDiff.RuleIds.ResponseEnumValueAdded).ToList();
        Assert.Equal(2, added.Count);
        Assert.Contains(added, c => c.Operation == "SEND /smartylighting.streetlights.1.0.action.{streetlightId}.turn.on" && c.FieldPath == "command");
    }

    [Fact]
    public void NotAsyncApi_IsAnErrorWithTheLine()
    {
        var diagnostics = new List<InputDiagnostic>();
        Assert.Null(AsyncApiReader.Read("x.yml", diagnostics, _ => "asyncapi: '1.2.0'\ninfo: {}\n"));
        Assert.Contains("AsyncAPI version '1.2.0' is not supported", Assert.Single(diagnostics).Message);
    }
}
