using System.Net;
using System.Net.Sockets;

namespace Faultline.Integrations.Tests;

/// <summary>Serves the recorded API responses on 127.0.0.1; any other collection is an empty list.</summary>
internal sealed class RecordedApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _folder = Path.Combine(AppContext.BaseDirectory, "Recorded");
    private readonly Task _loop;

    public RecordedApiServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public int Port { get; }

    public List<string> Requests { get; } = [];

    /// <summary>A kubeconfig that points at this server with a token user.</summary>
    public string WriteKubeconfig()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("faultline-kube").FullName, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: recorded
                cluster: {"{"}server: "http://127.0.0.1:{Port}"{"}"}
            users:
              - name: recorded
                user: {"{"}token: recorded-token{"}"}
            contexts:
              - name: recorded
                context: {"{"}cluster: recorded, user: recorded{"}"}
            current-context: recorded
            """);
        return path;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath.Trim('/');
            lock (Requests)
            {
                Requests.Add(path);
            }
            var name = path is "version" or "api" or "apis" ? path : path[(path.LastIndexOf('/') + 1)..];
            var file = Path.Combine(_folder, name + ".json");
            var body = File.Exists(file) ? await File.ReadAllBytesAsync(file) : "{\"items\": []}"u8.ToArray();
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        if (!_listener.IsListening)
        {
            return;
        }
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
