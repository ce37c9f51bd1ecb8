using Faultline.Core.Documents;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Tests;

/// <summary>
/// The fast parser must build exactly the tree the general parser builds. Every YAML and JSON file in the repo
/// (examples, fixtures, the real-world corpus copy) is parsed both ways and compared node by node, lines included.
/// </summary>
public sealed class FastYamlParserTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Faultline.slnx")))
        {
            dir = dir.Parent;
        }
        return dir!.FullName;
    }

    public static TheoryData<string> RepoYamlFiles()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "examples", "tests" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, folder), "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(Root, file));
            }
        }
        return data;
    }

    private static void AssertSameAsGeneral(string text, string name)
    {
        var fastDiagnostics = new List<InputDiagnostic>();
        var generalDiagnostics = new List<InputDiagnostic>();
        var fast = YamlDocumentReader.Read(text, name, fastDiagnostics, null, fast: true).Where(d => !IsEmpty(d.Root)).ToList();
        var general = YamlDocumentReader.Read(text, name, generalDiagnostics, null, fast: false).Where(d => !IsEmpty(d.Root)).ToList();

        Assert.Equal(general.Count, fast.Count);
        for (var i = 0; i < fast.Count; i++)
        {
            Assert.Null(YamlTreeComparer.Difference(fast[i].Root, general[i].Root));
        }
        Assert.Equal(generalDiagnostics.Select(d => d.ToString()), fastDiagnostics.Select(d => d.ToString()));
    }

    private static bool IsEmpty(Node n) => n is ScalarNode { Value: "", Quoted: false };

    [Theory]
    [MemberData(nameof(RepoYamlFiles))]
    public void Parse_RepoFile_SameTreeAsGeneralParser(string relative)
    {
        AssertSameAsGeneral(File.ReadAllText(Path.Combine(Root, relative)), relative);
    }

    [Theory]
    [InlineData("a: 1\nb: \"two\"\nc: 'th''ree'\nd: ~\ne:\nf: [1, \"x\", {g: h}]\n")]
    [InlineData("list:\n- a\n- b: 1\n  c: 2\n-\n  d: 3\n- {e: f}\n")]
    [InlineData("nested:\n  deeper:\n    deepest: x # comment\n  back: y\n")]
    [InlineData("lit: |\n  line one\n\n  line three\n  \nnext: 1\n")]
    [InlineData("keep: |+\n  a\n\n\nstrip: |-\n  b\n\nfold: >\n  one\n  two\n\n  three\n")]
    [InlineData("esc: \"tab\\there \\u00e9 \\\\ \\\" \\x41\"\nurl: http://a:80/b?c=d#e\n")]
    [InlineData("{\n  \"kind\": \"Service\",\n  \"spec\": {\"ports\": [{\"port\": 80}, {\"port\": 443}]},\n  \"empty\": {}, \"none\": []\n}\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n---\na: 1\n...\n")]
    [InlineData("a: &x {b: 1}\nc: *x\n")]
    [InlineData("a: multi\n  line plain\n")]
    [InlineData("a: \"multi\n  line quoted\"\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a:\n  - x\n   - y\n")]
    [InlineData("a: [1, 2\n")]
    [InlineData("? complex\n: key\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("k: v\r\nk2: v2\r\n")]
    [InlineData("\"quoted key\": 1\n'single': 2\n")]
    [InlineData("a:\n- b\nc: d\n")]
    public void Parse_Snippet_SameTreeAsGeneralParser(string text)
    {
        AssertSameAsGeneral(text, "snippet.yaml");
    }
}
