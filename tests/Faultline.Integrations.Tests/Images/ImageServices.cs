using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Faultline.Integrations.Docker;

namespace Faultline.Integrations.Tests.Images;

[CollectionDefinition(Name)]
public sealed class ImageServicesCollection : ICollectionFixture<ImageServices>
{
    public const string Name = "real Docker engine and registry";
}

/// <summary>
/// A real dockerd (Debian package docker.io) and a real registry (package docker-registry), each with its own socket,
/// port and folders under one temp folder, started once for the collection and stopped by PID at the end. A missing
/// binary fails the tests with the package to install; it never skips them.
/// </summary>
public sealed class ImageServices : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly Dictionary<Process, StringBuilder> _logs = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("flimg").FullName;

    public string Socket => Path.Combine(Root, "docker.sock");

    public string DockerHost => "unix://" + Socket;

    public string RegistryUrl { get; private set; } = "";

    public DockerEngine Engine { get; private set; } = null!;

    public TimeSpan StartTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        var dockerd = Require("dockerd", "docker.io");
        var registry = Require("docker-registry", "docker-registry");
        var daemon = Start(dockerd,
            "-H", DockerHost, "--data-root", Path.Combine(Root, "data"), "--exec-root", Path.Combine(Root, "exec"),
            "--pidfile", Path.Combine(Root, "dockerd.pid"), "--storage-driver=vfs", "--iptables=false", "--ip6tables=false",
            "--bridge=none", "--ip-masq=false", "--shutdown-timeout=1");
        RegistryUrl = await StartRegistryAsync(registry, deleteEnabled: true);
        Engine = DockerEngine.Connect(DockerHost);
        await Until(async () =>
        {
            if (!File.Exists(Socket))
            {
                return false;
            }
            try
            {
                using var ping = await Engine.Http.GetAsync("_ping");
                return ping.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, daemon, "dockerd");
        StartTime = clock.Elapsed;
    }

    /// <summary>Starts another registry (e.g. one with deletes disabled); it is stopped with the others.</summary>
    public Task<string> StartRegistryAsync(bool deleteEnabled) => StartRegistryAsync(Require("docker-registry", "docker-registry"), deleteEnabled);

    private async Task<string> StartRegistryAsync(string binary, bool deleteEnabled)
    {
        var port = FreePort();
        var folder = Directory.CreateDirectory(Path.Combine(Root, $"registry-{port}"));
        var config = Path.Combine(folder.FullName, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log: {"{"}level: warn{"}"}
            storage:
              filesystem: {"{"}rootdirectory: {Path.Combine(folder.FullName, "data")}{"}"}
              delete: {"{"}enabled: {(deleteEnabled ? "true" : "false")}{"}"}
            http:
              addr: 127.0.0.1:{port}
            """);
        var process = Start(binary, "serve", config);
        var url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Until(async () =>
        {
            try
            {
                using var response = await http.GetAsync(url + "/v2/");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, process, "docker-registry");
        return url;
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Running containers would hold dockerd's shutdown; they are test containers, so kill them.
            using var list = await Engine.Http.GetAsync("containers/json?all=1");
            var text = await list.Content.ReadAsStringAsync();
            foreach (var id in System.Text.Json.JsonDocument.Parse(text).RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()))
            {
                using var _ = await Engine.Http.DeleteAsync($"containers/{id}?force=1");
            }
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or NullReferenceException)
        {
            // dockerd did not start or is gone already; nothing to clean inside it.
        }
        Engine?.Dispose();
        foreach (var process in Enumerable.Reverse(_processes))
        {
            Stop(process);
        }
        var netns = Path.Combine(Root, "exec", "netns", "default");
        if (File.Exists(netns))
        {
            Run("umount", netns);
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A mount left behind keeps the folder; it is under the temp folder and harmless.
        }
    }

    /// <summary>The stderr of the processes, for failure messages.</summary>
    public string Logs => string.Join("\n", _logs.Values.Select(l => { lock (l) { return l.ToString(); } }));

    private static string Require(string binary, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]))
        {
            var path = Path.Combine(dir, binary);
            if (dir.Length > 0 && File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException($"'{binary}' is not installed: these tests need a real one. Install the Debian package {package} (apt-get install -y {package}).");
    }

    private Process Start(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (log)
            {
                if (log.Length < 200_000)
                {
                    log.Append(Path.GetFileName(file)).Append(": ").AppendLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        _logs[process] = log;
        return process;
    }

    /// <summary>Polls until ready; fails at once when the process died, and after 30 s otherwise.</summary>
    private async Task Until(Func<Task<bool>> ready, Process process, string name)
    {
        var deadline = Stopwatch.StartNew();
        while (!await ready())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready:\n{Logs}");
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{name} was not ready after 30 s:\n{Logs}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM by PID, then SIGKILL if it has not exited after 10 s.</summary>
    private static void Stop(Process process)
    {
        if (process.HasExited)
        {
            return;
        }
        try
        {
            Run("kill", "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill binary (procps): the SIGKILL below stops the process and its children instead.
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        p.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
