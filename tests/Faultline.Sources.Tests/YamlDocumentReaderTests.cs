using System.Diagnostics;
using System.Text;
using Faultline.Core.Documents;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Tests;

public sealed class YamlDocumentReaderTests
{
    private static (IReadOnlyList<YamlDocumentReader.Document> Docs, List<InputDiagnostic> Diagnostics) Read(string text, YamlLimits? limits = null)
    {
        var diagnostics = new List<InputDiagnostic>();
        return (YamlDocumentReader.Read(text, "in.yaml", diagnostics, limits), diagnostics);
    }

    [Fact]
    public void Read_MultiDocument_KeepsLinesOfEveryNode()
    {
        var (docs, diagnostics) = Read("a: 1\n---\n# comment\nkind: Service\nmetadata:\n  name: cart\n---\n\nb: [x, y]\n");

        Assert.Empty(diagnostics);
        Assert.Equal(3, docs.Count);
        Assert.Equal(1, docs[0].Root.Line);
        var service = (MapNode)docs[1].Root;
        Assert.Equal(4, service.Line);
        Assert.Equal(6, service.Map("metadata")!["name"]!.Line);
        Assert.Equal(9, docs[2].Root.Line);
    }

    [Fact]
    public void Read_SyntaxErrorInOneDocument_ReportsLineAndKeepsTheOthers()
    {
        var (docs, diagnostics) = Read("kind: A\n---\nkind: B\nmetadata: {name: [unclosed\n---\nkind: C\n");

        Assert.Equal(["A", "C"], docs.Select(d => ((MapNode)d.Root).Str("kind")));
        var error = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticLevel.Error, error.Level);
        Assert.Equal("in.yaml", error.Location.File);
        Assert.InRange(error.Location.Line, 3, 5);
        Assert.StartsWith("invalid YAML", error.Message);
    }

    [Fact]
    public void Read_QuotedScalar_IsMarkedQuoted()
    {
        var (docs, _) = Read("a: \"1\"\nb: 1\nc: null\n");
        var map = (MapNode)docs[0].Root;

        Assert.True(((ScalarNode)map["a"]!).Quoted);
        Assert.False(((ScalarNode)map["b"]!).Quoted);
        Assert.Null(map.Str("c"));
    }

    [Fact]
    public void Read_MergeKey_ExplicitKeysWin()
    {
        var (docs, diagnostics) = Read("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n");
        var obj = ((MapNode)docs[0].Root).Map("obj")!;

        Assert.Empty(diagnostics);
        Assert.Equal("1", obj.Str("x"));
        Assert.Equal("3", obj.Str("y"));
    }

    [Fact]
    public void Read_AliasBomb_IsRefusedQuicklyWithBoundedMemory()
    {
        var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var prev = (char)('a' + i - 1);
            var cur = (char)('a' + i);
            sb.Append($"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();

        var (docs, diagnostics) = Read(sb.ToString());

        Assert.Empty(docs);
        var error = Assert.Single(diagnostics);
        Assert.Contains("alias bomb", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 50_000_000, "allocated more than 50 MB on a 1 KB input");
    }

    [Fact]
    public void Read_DeepNesting_IsRefusedWithLine()
    {
        var text = new string('[', 5000) + new string(']', 5000) + "\n";

        var (docs, diagnostics) = Read(text);

        Assert.Empty(docs);
        var error = Assert.Single(diagnostics);
        Assert.Contains("deeper than", error.Message);
        Assert.Equal(1, error.Location.Line);
    }

    [Fact]
    public void Read_Json_IsReadAsYaml()
    {
        var (docs, diagnostics) = Read("{\n  \"kind\": \"Service\",\n  \"metadata\": {\"name\": \"cart\"}\n}\n");

        Assert.Empty(diagnostics);
        Assert.Equal(3, ((MapNode)docs[0].Root).Map("metadata")!.Line);
    }

    [Fact]
    public void SplitDocuments_MarkerInsideBlockScalarIndentation_DoesNotSplit()
    {
        var chunks = YamlDocumentReader.SplitDocuments("a: |\n  ---\n  text\n---\nb: 1\n").ToList();

        Assert.Equal(2, chunks.Count);
        Assert.Equal(4, chunks[1].FirstLine);
    }
}
