using Faultline.Core.Documents;
using Faultline.Sources.Inputs;

namespace Faultline.Sources.Tests;

public sealed class ManifestLoaderTests
{
    private const string Service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  selector: {app: cart}\n  ports: [{port: 7070}]\n";

    private static ManifestSet Load(params string[] paths) => new ManifestLoader(new InputOptions()).Load(paths);

    [Fact]
    public void Load_Folder_ReadsYamlYmlAndJsonRecursivelyInOrder()
    {
        using var dir = new TempDir();
        dir.Write("b/svc.yml", Service);
        dir.Write("a.yaml", Service.Replace("cart", "a"));
        dir.Write("c.json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"cfg\"}}");
        dir.Write("notes.txt", "kind: Service");
        dir.Write(".faultline/settings.yaml", "failOn: low\n");

        var set = Load(dir.Path);

        Assert.Equal(["a", "cart", "cfg"], set.Manifests.Select(m => m.Name));
        Assert.Equal(3, set.FilesRead);
        Assert.Empty(set.Diagnostics);
    }

    [Fact]
    public void Load_Object_KeepsFileLineAndNamespaceDefault()
    {
        using var dir = new TempDir();
        var file = dir.Write("x.yaml", "# header\n---\n" + Service);

        var set = new ManifestLoader(new InputOptions { DefaultNamespace = "shop" }).Load([file]);

        var m = Assert.Single(set.Manifests);
        Assert.Equal(new SourceLocation(file, 3), m.Location);
        Assert.Equal("shop", m.Namespace);
    }

    [Fact]
    public void Load_ListObject_IsUnpacked()
    {
        using var dir = new TempDir();
        var file = dir.Write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n- " + Service.Replace("\n", "\n  ").TrimEnd() + "\n");

        var set = Load(file);

        Assert.Equal("cart", Assert.Single(set.Manifests).Name);
        Assert.Equal(4, set.Manifests[0].Location.Line);
    }

    [Fact]
    public void Load_Stdin_ReadsAsStdinFile()
    {
        var set = new ManifestLoader(new InputOptions()).Load(["-"], new StringReader(Service));

        Assert.Equal(ManifestLoader.StdinName, Assert.Single(set.Manifests).Location.File);
    }

    [Fact]
    public void Load_ObjectWithoutKind_WarnsWithLineAndKeepsTheRest()
    {
        using var dir = new TempDir();
        var file = dir.Write("x.yaml", "apiVersion: v1\nmetadata: {name: x}\n---\n" + Service);

        var set = Load(file);

        Assert.Single(set.Manifests);
        var warning = Assert.Single(set.Diagnostics);
        Assert.Equal(DiagnosticLevel.Warning, warning.Level);
        Assert.Equal(1, warning.Location.Line);
        Assert.Contains("no kind", warning.Message);
    }

    [Fact]
    public void Load_NotKubernetes_IsANoteOnly()
    {
        using var dir = new TempDir();
        dir.Write("values.yaml", "replicaCount: 2\nimage: {tag: 1.0}\n");

        var set = Load(dir.Path);

        Assert.Empty(set.Manifests);
        Assert.All(set.Diagnostics, d => Assert.Equal(DiagnosticLevel.Note, d.Level));
    }

    [Fact]
    public void Load_BinaryFileWithYamlName_IsReportedAndSkipped()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "image.yaml"), [0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]);
        dir.Write("svc.yaml", Service);

        var set = Load(dir.Path);

        Assert.Single(set.Manifests);
        var error = Assert.Single(set.Diagnostics);
        Assert.EndsWith("image.yaml", error.Location.File);
        Assert.Contains("binary", error.Message);
    }

    [Fact]
    public void Load_InvalidUtf8_IsReportedAndSkipped()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "latin1.yaml"), [(byte)'a', (byte)':', (byte)' ', 0xE9, 0xFF, (byte)'\n']);

        var set = Load(dir.Path);

        Assert.Contains("UTF-8", Assert.Single(set.Diagnostics).Message);
    }

    [Fact]
    public void Load_HugeFile_IsSkippedBySizeWithoutReadingIt()
    {
        using var dir = new TempDir();
        var huge = Path.Combine(dir.Path, "huge.yaml");
        using (var stream = File.Create(huge))
        {
            stream.SetLength(50L * 1024 * 1024);
        }
        dir.Write("svc.yaml", Service);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var set = Load(dir.Path);

        Assert.Single(set.Manifests);
        var error = Assert.Single(set.Diagnostics);
        Assert.Contains("50 MB", error.Message);
        Assert.Contains("--max-file-size", error.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 20_000_000);
    }

    [Fact]
    public void Load_SymlinkLoop_IsReportedAndEndsTheWalk()
    {
        using var dir = new TempDir();
        dir.Write("app/svc.yaml", Service);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "app", "loop"), Path.Combine(dir.Path, "app"));

        var set = Load(dir.Path);

        Assert.Single(set.Manifests);
        Assert.Contains(set.Diagnostics, d => d.Message.Contains("symlink loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingPath_IsAnError()
    {
        var set = Load("/nonexistent/faultline/input");

        Assert.Empty(set.Manifests);
        Assert.True(set.HasErrors);
        Assert.Contains("no such file", set.Diagnostics[0].Message);
    }

    [Fact]
    public void Load_MalformedFile_OtherFilesAreStillRead()
    {
        using var dir = new TempDir();
        dir.Write("bad.yaml", "kind: Service\nmetadata:\n  name: [oops\n");
        dir.Write("good.yaml", Service);

        var set = Load(dir.Path);

        Assert.Single(set.Manifests);
        var error = Assert.Single(set.Diagnostics);
        Assert.EndsWith("bad.yaml", error.Location.File);
        Assert.True(error.Location.Line >= 3);
    }

    [Fact]
    public void Load_KustomizationFolder_IsRenderedWithKubectlAndMappedToSources()
    {
        using var dir = new TempDir();
        var svc = dir.Write("base/svc.yaml", "# the cart service\n" + Service);
        dir.Write("base/kustomization.yaml", "resources: [svc.yaml]\n");
        dir.Write("overlay/kustomization.yaml", "resources: [../base]\nnamespace: shop\nnamePrefix: prod-\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\n");

        var set = Load(Path.Combine(dir.Path, "overlay"));

        Assert.Empty(set.Diagnostics);
        var service = Assert.Single(set.Manifests, m => m.Kind == "Service");
        Assert.Equal("shop", service.Namespace);
        Assert.Equal("prod-cart", service.Name);
        Assert.Equal(new SourceLocation(svc, 2), service.Location);
        Assert.Equal(8, service.Root.Map("spec")!.List("ports")!.Items[0].Line);
        var generated = Assert.Single(set.Manifests, m => m.Kind == "ConfigMap");
        Assert.EndsWith("kustomization.yaml (rendered)", generated.Location.File);
    }

    [Fact]
    public void Load_KustomizationWithoutKubectl_SaysWhatToInstall()
    {
        using var dir = new TempDir();
        dir.Write("kustomization.yaml", "resources: []\n");

        var set = new ManifestLoader(new InputOptions { Kubectl = "/nonexistent/kubectl" }).Load([dir.Path]);

        var error = Assert.Single(set.Diagnostics);
        Assert.Contains("kubectl on PATH", error.Message);
    }
}
