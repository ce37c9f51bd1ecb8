using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Faultline.Integrations.Docker;

namespace Faultline.Integrations.Tests.Images;

/// <summary>
/// An image to build: its names, its creation time, whether it carries a program that sleeps, and what makes its
/// content unique (by default its names, so the same content under other names needs Content set).
/// </summary>
internal sealed record TestImage(string[] Tags, DateTimeOffset Created, bool CanRun = false, string? Content = null);

/// <summary>
/// Builds images without pulling anything: a docker-save tarball (one layer with a file, a config, manifest.json)
/// loaded through POST /images/load, and registry images written blob by blob through the registry API.
/// </summary>
internal static class TestImages
{
    /// <summary>Loads the images in one docker-save tarball; returns the image id of each, in order.</summary>
    public static async Task<List<string>> LoadAsync(DockerEngine engine, params TestImage[] images)
    {
        using var tarball = new MemoryStream();
        var ids = new List<string>();
        using (var tar = new TarWriter(tarball, TarEntryFormat.Pax, leaveOpen: true))
        {
            var manifest = new List<object>();
            var n = 0;
            foreach (var image in images)
            {
                var layer = Layer(image, n);
                var diffId = Sha(layer);
                var config = Config(image, diffId);
                var configName = Sha(config)[7..] + ".json";
                var layerName = $"layer{n}/layer.tar";
                Add(tar, layerName, layer);
                Add(tar, configName, config);
                manifest.Add(new Dictionary<string, object> { ["Config"] = configName, ["RepoTags"] = image.Tags, ["Layers"] = new[] { layerName } });
                ids.Add(Sha(config));
                n++;
            }
            Add(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest));
        }
        tarball.Position = 0;
        using var content = new StreamContent(tarball);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await engine.Http.PostAsync("images/load?quiet=1", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode && !body.Contains("errorDetail", StringComparison.Ordinal), $"docker load failed: {body}");
        return ids;
    }

    /// <summary>POST /images/{id}/tag: gives an image one more name.</summary>
    public static async Task TagAsync(DockerEngine engine, string id, string reference)
    {
        var colon = reference.LastIndexOf(':');
        using var response = await engine.Http.PostAsync($"images/{id}/tag?repo={Uri.EscapeDataString(reference[..colon])}&tag={Uri.EscapeDataString(reference[(colon + 1)..])}", null);
        Assert.True(response.IsSuccessStatusCode, $"tag {reference}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POST /containers/create (no network), and /start when asked; returns the container id.</summary>
    public static async Task<string> ContainerAsync(DockerEngine engine, string name, string image, bool start)
    {
        var spec = JsonSerializer.Serialize(new { Image = image, HostConfig = new { NetworkMode = "none" } });
        using var create = await engine.Http.PostAsync($"containers/create?name={name}", new StringContent(spec, Encoding.UTF8, "application/json"));
        var body = await create.Content.ReadAsStringAsync();
        Assert.True(create.IsSuccessStatusCode, $"create {name}: {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
        if (start)
        {
            using var started = await engine.Http.PostAsync($"containers/{id}/start", null);
            Assert.True(started.IsSuccessStatusCode, $"start {name}: {await started.Content.ReadAsStringAsync()}");
        }
        return id;
    }

    /// <summary>The tags of every image on the host.</summary>
    public static async Task<HashSet<string>> HostTagsAsync(DockerEngine engine) =>
        (await engine.ListImagesAsync()).SelectMany(i => i.Tags).Select(t => t.Reference).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Pushes an image to a registry through its API: layer and config blobs (POST then PUT upload), then the
    /// manifest under each tag. Returns the manifest digest. The same image pushed twice gives the same digest.
    /// </summary>
    public static async Task<string> PushAsync(string registry, string name, TestImage image, int salt)
    {
        using var http = new HttpClient { BaseAddress = new Uri(registry) };
        var layer = Gzip(Layer(image, salt));
        var config = Config(image, Sha(Layer(image, salt)));
        await Blob(http, name, layer);
        await Blob(http, name, config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json",
            ["config"] = new { mediaType = "application/vnd.docker.container.image.v1+json", size = config.Length, digest = Sha(config) },
            ["layers"] = new[] { new { mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip", size = layer.Length, digest = Sha(layer) } },
        });
        foreach (var tag in image.Tags)
        {
            using var content = new ByteArrayContent(manifest);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.manifest.v2+json");
            using var put = await http.PutAsync($"v2/{name}/manifests/{tag}", content);
            Assert.True(put.StatusCode == HttpStatusCode.Created, $"PUT manifest {name}:{tag}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }
        return Sha(manifest);
    }

    /// <summary>The tags a registry repository has now (null when the repository has none left).</summary>
    public static async Task<List<string>> RegistryTagsAsync(string registry, string name)
    {
        using var http = new HttpClient();
        var doc = JsonDocument.Parse(await http.GetStringAsync($"{registry}/v2/{name}/tags/list"));
        return doc.RootElement.GetProperty("tags") is { ValueKind: JsonValueKind.Array } tags
            ? tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Runs faultline.dll as a process, as users and CI do.</summary>
    public static (int Exit, string Stdout, string Stderr) Faultline(params string[] args) => FaultlineWith(null, args);

    /// <summary>Runs faultline.dll with DOCKER_HOST set (or removed when null).</summary>
    public static (int Exit, string Stdout, string Stderr) FaultlineWith(string? dockerHost, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faultline.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment.Remove("DOCKER_HOST");
        if (dockerHost is not null)
        {
            start.Environment["DOCKER_HOST"] = dockerHost;
        }
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "faultline-tests-no-docker-config");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "faultline did not finish");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static async Task Blob(HttpClient http, string name, byte[] data)
    {
        using var start = await http.PostAsync($"v2/{name}/blobs/uploads/", null);
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"start upload: {start.StatusCode}");
        var location = start.Headers.Location!;
        var target = (location.IsAbsoluteUri ? location.AbsoluteUri : new Uri(http.BaseAddress!, location).AbsoluteUri);
        target += (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(Sha(data));
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(target, content);
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"PUT blob: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>One layer: a file that makes the image unique, and for a runnable image a program that sleeps.</summary>
    private static byte[] Layer(TestImage image, int salt)
    {
        using var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            Add(tar, "faultline-test.txt", Encoding.UTF8.GetBytes($"{image.Content ?? string.Join(",", image.Tags)} {image.Created:O} {salt}\n"));
            if (image.CanRun)
            {
                foreach (var (path, bytes) in SleepFiles())
                {
                    Add(tar, path.TrimStart('/'), bytes, executable: true);
                }
            }
        }
        return stream.ToArray();
    }

    private static byte[] Config(TestImage image, string diffId)
    {
        var config = new Dictionary<string, object>
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = image.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["config"] = new Dictionary<string, object> { ["Cmd"] = SleepCommand },
            ["rootfs"] = new { type = "layers", diff_ids = new[] { diffId } },
        };
        return JsonSerializer.SerializeToUtf8Bytes(config);
    }

    private static string[] SleepCommand => File.Exists("/bin/busybox") ? ["/bin/busybox", "sleep", "600"] : ["/bin/sleep", "600"];

    /// <summary>busybox when the machine has it (static), else /bin/sleep with the libraries ldd names.</summary>
    private static List<(string Path, byte[] Bytes)> SleepFiles()
    {
        if (File.Exists("/bin/busybox"))
        {
            return [("/bin/busybox", File.ReadAllBytes("/bin/busybox"))];
        }
        var files = new List<(string, byte[])> { ("/bin/sleep", File.ReadAllBytes("/bin/sleep")) };
        var start = new ProcessStartInfo("ldd") { RedirectStandardOutput = true };
        start.ArgumentList.Add("/bin/sleep");
        using var ldd = Process.Start(start)!;
        var output = ldd.StandardOutput.ReadToEnd();
        ldd.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            var path = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => p.StartsWith('/'));
            if (path is not null && File.Exists(path))
            {
                files.Add((path, File.ReadAllBytes(path)));
            }
        }
        return files;
    }

    private static void Add(TarWriter tar, string name, byte[] data, bool executable = false)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(data),
            Mode = executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
            ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        tar.WriteEntry(entry);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static string Sha(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
