using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Sources.Settings;

namespace Faultline.Sources.Tests;

/// <summary>.faultline/env.yaml: the documented keys, and errors that name the file and line and suggest a fix.</summary>
public sealed class EnvFileTests
{
    private static (EnvDiffOptions Options, List<InputDiagnostic> Diagnostics) Parse(string yaml)
    {
        var diagnostics = new List<InputDiagnostic>();
        var options = EnvFile.Parse(yaml, ".faultline/env.yaml", diagnostics);
        return (options, diagnostics);
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        var (options, diagnostics) = Parse("""
            namespaces:
              shop-staging: shop
            ignore:
              hostnames: true
              replicaRatio: 3
              keys: [LOG_LEVEL, OTEL_*]
              differences:
                - class: image
                  object: Deployment/checkout
                  field: image
                  reason: promoted separately
            thresholds:
              timeoutHighRatio: 5
              memoryLimitRatio: 1.5
            """);

        Assert.Empty(diagnostics);
        Assert.Equal("shop", options.NamespaceMap["shop-staging"]);
        Assert.Equal(new SourceLocation(".faultline/env.yaml", 4), options.Expected.Hostnames);
        Assert.Equal(3m, options.Expected.ReplicaRatio!.Value.Ratio);
        Assert.Equal(["LOG_LEVEL", "OTEL_*"], options.Expected.Keys.Select(k => k.Pattern));
        var rule = Assert.Single(options.Expected.Differences);
        Assert.Equal((DiffClass.Image, "Deployment/checkout", "image", "promoted separately", 8), (rule.Class!.Value, rule.Object, rule.Field, rule.Reason, rule.Where.Line));
        Assert.Equal(5m, options.TimeoutHighRatio);
        Assert.Equal(1.5m, options.MemoryLimitRatio);
    }

    [Theory]
    [InlineData("ignore:\n  hostname: true\n", ".faultline/env.yaml:2: error: unknown key 'ignore.hostname'; did you mean 'hostnames'?")]
    [InlineData("ignroe:\n  hostnames: true\n", ".faultline/env.yaml:2: error: unknown key 'ignroe'; did you mean 'ignore'?")]
    [InlineData("ignore:\n  differences:\n    - objet: Deployment/api\n", ".faultline/env.yaml:3: error: unknown key 'ignore.differences[].objet'; did you mean 'object'?")]
    [InlineData("ignore:\n  differences:\n    - class: imgae\n", ".faultline/env.yaml:3: error: unknown class 'imgae'; did you mean 'image'? (classes: resources, replicas, probes, image, config, mesh, pdb, scheduling, presence)")]
    [InlineData("colour: blue\n", ".faultline/env.yaml:1: error: unknown key 'colour' (known keys: namespaces, ignore, thresholds)")]
    public void Parse_UnknownKey_IsAnErrorWithASuggestion(string yaml, string expected)
    {
        var (_, diagnostics) = Parse(yaml);

        Assert.Equal(expected, Assert.Single(diagnostics).ToString());
    }

    [Theory]
    [InlineData("ignore:\n  replicaRatio: three\n", 2, "ignore.replicaRatio must be a number of at least 1")]
    [InlineData("ignore:\n  hostnames: yes please\n", 2, "ignore.hostnames must be true or false")]
    [InlineData("ignore:\n  keys: LOG_LEVEL\n", 2, "ignore.keys must be a list")]
    [InlineData("ignore:\n  differences:\n    - reason: just because\n", 3, "needs at least one of class, object and field")]
    [InlineData("namespaces:\n  staging: [prod]\n", 2, "namespaces.staging must be a namespace name")]
    [InlineData("thresholds:\n  timeoutHighRatio: 0.5\n", 2, "thresholds.timeoutHighRatio must be a number of at least 1")]
    [InlineData("- a\n- b\n", 1, "env.yaml must be a mapping")]
    public void Parse_TypeError_NamesFileAndLine(string yaml, int line, string message)
    {
        var (_, diagnostics) = Parse(yaml);

        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticLevel.Error, error.Level);
        Assert.Equal(new SourceLocation(".faultline/env.yaml", line), error.Location);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Find_WalksUpFromTheInput()
    {
        using var dir = new TempDir();
        var file = dir.Write(".faultline/env.yaml", "ignore: {hostnames: true}\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "overlays", "staging"));

        Assert.Equal(Path.GetFullPath(file), EnvFile.Find(Path.Combine(dir.Path, "overlays", "staging")));
    }
}
