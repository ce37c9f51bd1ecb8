using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Faultline.Core.Images;

namespace Faultline.Integrations.Docker;

/// <summary>The engine could not be reached or answered with an error; Unreachable tells which.</summary>
public sealed class DockerEngineException(string message, bool unreachable, Exception? inner = null) : Exception(message, inner)
{
    public bool Unreachable { get; } = unreachable;
}

/// <summary>The outcome of removing one tag: what the engine untagged and which images it deleted.</summary>
public sealed record TagRemoval(IReadOnlyList<string> Untagged, IReadOnlyList<string> Deleted);

/// <summary>
/// The Docker Engine API over its unix socket (or plain tcp), with only what retention needs: images, containers,
/// image inspection and removal by name. Paths are unversioned so the engine answers in its own API version.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public const string DefaultHost = "unix:///var/run/docker.sock";

    private readonly HttpClient _http;
    private readonly string? _socket;

    private DockerEngine(HttpClient http, string endpoint, string? socket)
    {
        _http = http;
        Endpoint = endpoint;
        _socket = socket;
    }

    /// <summary>unix:///path or tcp://host:port, as given to --docker-host or DOCKER_HOST.</summary>
    public string Endpoint { get; }

    /// <summary>For tests that set up images and containers through the same connection.</summary>
    internal HttpClient Http => _http;

    /// <summary>
    /// Connects to --docker-host, else DOCKER_HOST, else the default socket. Only unix:// and tcp:// (no TLS) are
    /// supported; anything else is an ArgumentException with the reason.
    /// </summary>
    public static DockerEngine Connect(string? host, TimeSpan? timeout = null)
    {
        var endpoint = string.IsNullOrWhiteSpace(host) ? Environment.GetEnvironmentVariable("DOCKER_HOST") : host;
        endpoint = string.IsNullOrWhiteSpace(endpoint) ? DefaultHost : endpoint.Trim();
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = endpoint["unix://".Length..];
            if (socket.Length == 0)
            {
                throw new ArgumentException($"docker host '{endpoint}' names no socket path (write unix:///var/run/docker.sock)");
            }
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancel) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                        return new NetworkStream(s, ownsSocket: true);
                    }
                    catch
                    {
                        s.Dispose();
                        throw;
                    }
                },
            };
            return new DockerEngine(new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = timeout ?? TimeSpan.FromMinutes(2) }, endpoint, socket);
        }
        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal))
        {
            if (Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } tls && tls != "0")
            {
                throw new ArgumentException("DOCKER_TLS_VERIFY is set, but Faultline talks to a tcp:// engine without TLS; use the unix socket (or an ssh tunnel to it)");
            }
            if (!Uri.TryCreate("http://" + endpoint["tcp://".Length..].TrimEnd('/') + "/", UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"docker host '{endpoint}' is not a tcp://HOST:PORT address");
            }
            return new DockerEngine(new HttpClient { BaseAddress = uri, Timeout = timeout ?? TimeSpan.FromMinutes(2) }, endpoint, null);
        }
        throw new ArgumentException($"docker host '{endpoint}' is not supported: use unix:///path/to/docker.sock or tcp://HOST:PORT");
    }

    /// <summary>Every image on the host (GET /images/json), dangling ones with no tags.</summary>
    public async Task<IReadOnlyList<ImageRecord>> ListImagesAsync(CancellationToken cancel = default)
    {
        using var doc = await GetJson("images/json", cancel);
        var images = new List<ImageRecord>();
        foreach (var item in doc!.RootElement.EnumerateArray())
        {
            images.Add(new ImageRecord
            {
                Id = item.GetProperty("Id").GetString()!,
                Tags = Strings(item, "RepoTags").Select(ImageTag.Parse).OfType<ImageTag>().Where(t => t.Repository != "<none>").ToList(),
                Digests = Strings(item, "RepoDigests").Where(d => !d.StartsWith("<none>", StringComparison.Ordinal)).ToList(),
                Created = DateTimeOffset.FromUnixTimeSeconds(item.GetProperty("Created").GetInt64()),
                Size = item.TryGetProperty("Size", out var size) ? size.GetInt64() : 0,
            });
        }
        return images;
    }

    /// <summary>Every container, running or not (GET /containers/json?all=1).</summary>
    public async Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(CancellationToken cancel = default)
    {
        using var doc = await GetJson("containers/json?all=1", cancel);
        var containers = new List<ContainerRecord>();
        foreach (var item in doc!.RootElement.EnumerateArray())
        {
            var id = item.GetProperty("Id").GetString()!;
            var name = Strings(item, "Names").FirstOrDefault()?.TrimStart('/') ?? ImageIds.Short(id);
            containers.Add(new ContainerRecord
            {
                Id = id,
                Name = name,
                ImageId = item.TryGetProperty("ImageID", out var imageId) ? imageId.GetString() ?? "" : "",
                ImageName = item.TryGetProperty("Image", out var image) ? image.GetString() : null,
                State = item.TryGetProperty("State", out var state) ? state.GetString() ?? "" : "",
                Created = item.TryGetProperty("Created", out var created) ? DateTimeOffset.FromUnixTimeSeconds(created.GetInt64()) : default,
            });
        }
        return containers;
    }

    /// <summary>The image id a name points to now (GET /images/{name}/json), or null when the name is gone.</summary>
    public async Task<string?> ImageIdAsync(string reference, CancellationToken cancel = default)
    {
        using var doc = await GetJson($"images/{Escape(reference)}/json", cancel, allowNotFound: true);
        return doc?.RootElement.GetProperty("Id").GetString();
    }

    /// <summary>
    /// Removes one name (DELETE /images/{name}?noprune=false, never forced): the engine untags it and deletes the
    /// image when no other name or container holds it. A refusal (a container uses it, 409) is a DockerEngineException.
    /// </summary>
    public async Task<TagRemoval> RemoveTagAsync(string reference, CancellationToken cancel = default)
    {
        using var response = await Send(HttpMethod.Delete, $"images/{Escape(reference)}?noprune=false", cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new DockerEngineException($"{(int)response.StatusCode}: {Message(body)}", unreachable: false);
        }
        var untagged = new List<string>();
        var deleted = new List<string>();
        using var doc = JsonDocument.Parse(body);
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            if (item.TryGetProperty("Untagged", out var u))
            {
                untagged.Add(u.GetString()!);
            }
            if (item.TryGetProperty("Deleted", out var d))
            {
                deleted.Add(d.GetString()!);
            }
        }
        return new TagRemoval(untagged, deleted);
    }

    public void Dispose() => _http.Dispose();

    internal static string Escape(string reference) => string.Join('/', reference.Split('/').Select(Uri.EscapeDataString));

    private async Task<JsonDocument?> GetJson(string path, CancellationToken cancel, bool allowNotFound = false)
    {
        using var response = await Send(HttpMethod.Get, path, cancel);
        if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var body = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new DockerEngineException($"GET /{path} answered {(int)response.StatusCode}: {Message(body)}", unreachable: false);
        }
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new DockerEngineException($"GET /{path} did not answer JSON; is {Endpoint} a Docker engine?", unreachable: true, e);
        }
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, CancellationToken cancel)
    {
        if (_socket is not null && !File.Exists(_socket))
        {
            throw new DockerEngineException($"cannot reach the Docker engine: no socket at {_socket} (is dockerd running? name another with --docker-host or DOCKER_HOST)", unreachable: true);
        }
        try
        {
            using var request = new HttpRequestMessage(method, path);
            return await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AccessDenied } || e.HttpRequestError == HttpRequestError.Unknown && e.InnerException is UnauthorizedAccessException)
        {
            throw new DockerEngineException($"cannot reach the Docker engine: permission denied on {_socket ?? Endpoint} (run as root or as a member of the docker group)", unreachable: true, e);
        }
        catch (HttpRequestException e)
        {
            throw new DockerEngineException($"cannot reach the Docker engine at {Endpoint}: {Inner(e)}", unreachable: true, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new DockerEngineException($"the Docker engine at {Endpoint} did not answer within {_http.Timeout.TotalSeconds:0} s", unreachable: true, e);
        }
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e.Message;
    }

    private static string Message(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m))
            {
                return m.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself is the message.
        }
        return body.Trim();
    }

    private static IEnumerable<string> Strings(JsonElement item, string property) =>
        item.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString()).OfType<string>()
            : [];
}
