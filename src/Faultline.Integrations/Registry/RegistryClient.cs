using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Faultline.Core.Images;

namespace Faultline.Integrations.Registry;

/// <summary>A registry problem. Unreachable: no connection or no access (exit 3); NotFound: a repository name it does not know.</summary>
public sealed class RegistryException(string message, bool unreachable, bool notFound = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Unreachable { get; } = unreachable;

    public bool NotFound { get; } = notFound;
}

/// <summary>
/// The registry HTTP API v2, with what retention needs: repositories, tags (following the Link header), the digest
/// of each tag (HEAD), the manifest and config of each digest (size and creation time), and DELETE by digest.
/// Authentication answers the registry's challenge: Basic with the docker config's credentials, or the Bearer
/// token flow (GET realm?service=...&amp;scope=..., with those credentials when there are any).
/// </summary>
public sealed class RegistryClient : IDisposable
{
    internal static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    private static readonly HashSet<string> IndexTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    };

    private readonly HttpClient _http;
    private readonly RegistryCredentials? _credentials;
    private AuthenticationHeaderValue? _authorization;

    public RegistryClient(HttpClient http, Uri registry, RegistryCredentials? credentials)
    {
        _http = http;
        Registry = registry.AbsoluteUri.EndsWith('/') ? registry : new Uri(registry.AbsoluteUri + "/");
        _credentials = credentials;
    }

    public Uri Registry { get; }

    /// <summary>Page size asked for in catalog and tag lists.</summary>
    internal int PageSize { get; init; } = 1000;

    /// <summary>
    /// A client for --registry (http://HOST:PORT, https://HOST, or HOST[:PORT]: https, except loopback which is
    /// http), with credentials from the docker config file when it has some for the host.
    /// </summary>
    public static RegistryClient Create(string registry, string? dockerConfig, TimeSpan? timeout = null)
    {
        var uri = ParseRegistry(registry);
        RegistryCredentials? credentials = null;
        var configPath = dockerConfig ?? DockerConfig.DefaultPath();
        if (File.Exists(configPath))
        {
            try
            {
                credentials = DockerConfig.Find(File.ReadAllText(configPath), uri.Authority);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new ArgumentException($"{configPath}: not a docker config file ({e.Message})", e);
            }
        }
        else if (dockerConfig is not null)
        {
            throw new ArgumentException($"--docker-config: {dockerConfig} does not exist");
        }
        return new RegistryClient(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(60) }, uri, credentials);
    }

    public static Uri ParseRegistry(string text)
    {
        var value = text.Trim();
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            var host = value.Split('/')[0].Split(':')[0];
            value = (host is "localhost" || host.StartsWith("127.", StringComparison.Ordinal) || host == "[::1]" ? "http://" : "https://") + value;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--registry '{text}' is not a registry address (http://127.0.0.1:5000, https://registry.example.com)");
        }
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>Every repository name (GET /v2/_catalog, all pages).</summary>
    public async Task<IReadOnlyList<string>> CatalogAsync(CancellationToken cancel = default)
    {
        var names = new List<string>();
        await foreach (var page in Pages($"v2/_catalog?n={PageSize}", "catalog", cancel))
        {
            names.AddRange(Strings(page.RootElement, "repositories"));
        }
        return names;
    }

    /// <summary>Every tag of a repository (GET /v2/NAME/tags/list, all pages); none when all were deleted.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(string name, CancellationToken cancel = default)
    {
        var tags = new List<string>();
        await foreach (var page in Pages($"v2/{name}/tags/list?n={PageSize}", name, cancel))
        {
            tags.AddRange(Strings(page.RootElement, "tags"));
        }
        return tags;
    }

    /// <summary>The digest a tag points to (HEAD /v2/NAME/manifests/TAG, Docker-Content-Digest); null when the tag is gone.</summary>
    public async Task<string?> DigestAsync(string name, string tag, CancellationToken cancel = default)
    {
        using var response = await Send(() => Manifest(HttpMethod.Head, name, tag), cancel);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await Ensure(response, $"HEAD manifest {name}:{tag}", cancel);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values))
        {
            return values.First();
        }
        // Some registries only send the digest with the body: it is the sha256 of the manifest bytes.
        using var full = await Send(() => Manifest(HttpMethod.Get, name, tag), cancel);
        await Ensure(full, $"GET manifest {name}:{tag}", cancel);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await full.Content.ReadAsByteArrayAsync(cancel)));
    }

    /// <summary>
    /// Every tagged manifest of a repository as an image: id = digest, tags = the tags pointing at it, created =
    /// the config's created time (the newest of an index's images), size = config and layers.
    /// </summary>
    public async Task<IReadOnlyList<ImageRecord>> ReadRepositoryAsync(string name, CancellationToken cancel = default)
    {
        var byDigest = new Dictionary<string, List<ImageTag>>(StringComparer.Ordinal);
        foreach (var tag in await TagsAsync(name, cancel))
        {
            if (await DigestAsync(name, tag, cancel) is { } digest)
            {
                if (!byDigest.TryGetValue(digest, out var list))
                {
                    byDigest[digest] = list = [];
                }
                list.Add(new ImageTag(name, tag));
            }
        }
        var images = new List<ImageRecord>();
        foreach (var (digest, tags) in byDigest)
        {
            var (created, size) = await DescribeAsync(name, digest, depth: 0, cancel);
            images.Add(new ImageRecord { Id = digest, Tags = tags, Created = created, Size = size });
        }
        return images;
    }

    /// <summary>Deletes a manifest by digest (DELETE /v2/NAME/manifests/DIGEST), which removes every tag pointing at it.</summary>
    public async Task DeleteAsync(string name, string digest, CancellationToken cancel = default)
    {
        using var response = await Send(() => new HttpRequestMessage(HttpMethod.Delete, new Uri(Registry, $"v2/{name}/manifests/{digest}")), cancel);
        if (response.StatusCode == HttpStatusCode.MethodNotAllowed)
        {
            throw new RegistryException(
                $"{Registry} does not allow deletes (405): enable them in the registry's config.yml with storage: {{delete: {{enabled: true}}}} (or REGISTRY_STORAGE_DELETE_ENABLED=true) and restart it",
                unreachable: false);
        }
        await Ensure(response, $"DELETE {name}@{digest}", cancel);
    }

    public void Dispose() => _http.Dispose();

    private async Task<(DateTimeOffset Created, long Size)> DescribeAsync(string name, string digest, int depth, CancellationToken cancel)
    {
        using var response = await Send(() => Manifest(HttpMethod.Get, name, digest), cancel);
        await Ensure(response, $"GET manifest {name}@{digest}", cancel);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
        var root = manifest.RootElement;
        var mediaType = root.TryGetProperty("mediaType", out var mt) ? mt.GetString() : response.Content.Headers.ContentType?.MediaType;
        if ((mediaType is not null && IndexTypes.Contains(mediaType)) || root.TryGetProperty("manifests", out _))
        {
            var created = DateTimeOffset.MinValue;
            long size = 0;
            if (depth == 0 && root.TryGetProperty("manifests", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    var (c, s) = await DescribeAsync(name, child.GetProperty("digest").GetString()!, depth + 1, cancel);
                    created = c > created ? c : created;
                    size += s;
                }
            }
            return (created, size);
        }
        var config = root.GetProperty("config");
        var total = config.TryGetProperty("size", out var cs) ? cs.GetInt64() : 0;
        if (root.TryGetProperty("layers", out var layers))
        {
            total += layers.EnumerateArray().Sum(l => l.TryGetProperty("size", out var ls) ? ls.GetInt64() : 0);
        }
        using var blob = await Send(() => new HttpRequestMessage(HttpMethod.Get, new Uri(Registry, $"v2/{name}/blobs/{config.GetProperty("digest").GetString()}")), cancel);
        await Ensure(blob, $"GET config of {name}@{digest}", cancel);
        using var configDoc = JsonDocument.Parse(await blob.Content.ReadAsStringAsync(cancel));
        var createdAt = configDoc.RootElement.TryGetProperty("created", out var created2) && created2.TryGetDateTimeOffset(out var when) ? when : DateTimeOffset.MinValue;
        return (createdAt, total);
    }

    private HttpRequestMessage Manifest(HttpMethod method, string name, string reference)
    {
        var request = new HttpRequestMessage(method, new Uri(Registry, $"v2/{name}/manifests/{reference}"));
        foreach (var type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
        return request;
    }

    private async IAsyncEnumerable<JsonDocument> Pages(string first, string what, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        var next = new Uri(Registry, first);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (seen.Add(next.AbsoluteUri))
        {
            using var response = await Send(() => new HttpRequestMessage(HttpMethod.Get, next), cancel);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new RegistryException($"{Registry} has no repository '{what}' (404 NAME_UNKNOWN)", unreachable: false, notFound: true);
            }
            await Ensure(response, $"GET {next.PathAndQuery}", cancel);
            yield return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            var link = response.Headers.TryGetValues("Link", out var links) ? NextLink(links) : null;
            if (link is null)
            {
                yield break;
            }
            next = new Uri(Registry, link);
        }
    }

    /// <summary>The target of rel="next" in a Link header: &lt;/v2/_catalog?last=b&amp;n=2&gt;; rel="next".</summary>
    internal static string? NextLink(IEnumerable<string> values)
    {
        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var open = value.IndexOf('<', StringComparison.Ordinal);
            var close = value.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && value[close..].Replace(" ", "", StringComparison.Ordinal).Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                return value[(open + 1)..close];
            }
        }
        return null;
    }

    /// <summary>Sends a request; on 401 answers the challenge once (Basic, or a Bearer token for the challenged scope) and retries.</summary>
    private async Task<HttpResponseMessage> Send(Func<HttpRequestMessage> make, CancellationToken cancel)
    {
        var response = await SendOnce(make, cancel);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        if (challenge is null)
        {
            throw new RegistryException($"{Registry} answered 401 without a WWW-Authenticate challenge", unreachable: true);
        }
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (_credentials is null)
            {
                throw new RegistryException($"{Registry} wants a user name and password, and the docker config file has none for {Registry.Authority} (docker login {Registry.Authority}, or --docker-config FILE)", unreachable: true);
            }
            _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credentials.Username}:{_credentials.Password}")));
        }
        else if (challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            _authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(ParseChallenge(challenge.Parameter ?? ""), cancel));
        }
        else
        {
            throw new RegistryException($"{Registry} asks for {challenge.Scheme} authentication, which Faultline does not speak (Basic and Bearer only)", unreachable: true);
        }
        response = await SendOnce(make, cancel);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new RegistryException($"{Registry} refused the credentials for {Registry.Authority} from the docker config file (401 after authenticating)", unreachable: true);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnce(Func<HttpRequestMessage> make, CancellationToken cancel)
    {
        using var request = make();
        request.Headers.Authorization = _authorization;
        try
        {
            return await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            var inner = e.InnerException is SocketException s ? s.Message : e.Message;
            throw new RegistryException($"cannot reach the registry at {Registry}: {inner}", unreachable: true, inner: e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new RegistryException($"the registry at {Registry} did not answer within {_http.Timeout.TotalSeconds:0} s", unreachable: true, inner: e);
        }
    }

    private async Task<string> TokenAsync(Dictionary<string, string> challenge, CancellationToken cancel)
    {
        if (!challenge.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new RegistryException($"{Registry} sent a Bearer challenge without a realm", unreachable: true);
        }
        var query = new List<string>();
        foreach (var key in new[] { "service", "scope" })
        {
            if (challenge.TryGetValue(key, out var value))
            {
                query.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }
        var url = realmUri.AbsoluteUri + (query.Count == 0 ? "" : (realmUri.Query.Length > 0 ? "&" : "?") + string.Join('&', query));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credentials.Username}:{_credentials.Password}")));
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"cannot reach the token service {realmUri.GetLeftPart(UriPartial.Path)}: {e.Message}", unreachable: true, inner: e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException($"the token service {realmUri.GetLeftPart(UriPartial.Path)} refused a token ({(int)response.StatusCode}){(_credentials is null ? "; the docker config file has no credentials for " + Registry.Authority : "")}", unreachable: true);
            }
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            foreach (var key in new[] { "token", "access_token" })
            {
                if (doc.RootElement.TryGetProperty(key, out var token) && token.GetString() is { Length: > 0 } value)
                {
                    return value;
                }
            }
            throw new RegistryException($"the token service {realmUri.GetLeftPart(UriPartial.Path)} answered without a token", unreachable: true);
        }
    }

    /// <summary>realm="https://auth/token",service="registry",scope="repository:a/b:pull,push" as a dictionary.</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i])))
            {
                i++;
            }
            var eq = parameter.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }
            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var end = parameter.IndexOf('"', i + 1);
                end = end < 0 ? parameter.Length : end;
                value = parameter[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                end = end < 0 ? parameter.Length : end;
                value = parameter[i..end].Trim();
                i = end;
            }
            result[key] = value;
        }
        return result;
    }

    private static async Task Ensure(HttpResponseMessage response, string what, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancel);
        throw new RegistryException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body.Trim() : "")}", unreachable: false);
    }

    private static IEnumerable<string> Strings(JsonElement root, string property) =>
        root.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetString()).OfType<string>()
            : [];
}
