using System.Net;
using System.Net.Sockets;
using System.Text;
using Faultline.Integrations.Docker;
using Faultline.Integrations.Registry;

namespace Faultline.Integrations.Tests.Images;

/// <summary>Client details without the real services: registry authentication against a small in-process front that challenges like real registries, address parsing, unreachable engines.</summary>
public sealed class ImageClientTests
{
    /// <summary>Answers /v2/NAME/tags/list only with the right Authorization; /token hands out a token for the right Basic credentials.</summary>
    private sealed class ChallengingRegistry : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _scheme;

        public ChallengingRegistry(string scheme)
        {
            _scheme = scheme;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public int Port { get; }

        public List<string> Seen { get; } = [];

        private static string Basic => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:s3cret"));

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
                var request = context.Request;
                var auth = request.Headers["Authorization"] ?? "";
                lock (Seen)
                {
                    Seen.Add($"{request.HttpMethod} {request.Url!.PathAndQuery} [{auth.Split(' ')[0]}]");
                }
                string body;
                if (request.Url!.AbsolutePath == "/token")
                {
                    var ok = auth == Basic && request.QueryString["scope"] == "repository:team/app:pull" && request.QueryString["service"] == "fake";
                    context.Response.StatusCode = ok ? 200 : 401;
                    body = ok ? "{\"access_token\":\"tok-123\"}" : "{}";
                }
                else if (auth == (_scheme == "Bearer" ? "Bearer tok-123" : Basic))
                {
                    body = "{\"name\":\"team/app\",\"tags\":[\"1\",\"2\"]}";
                }
                else
                {
                    context.Response.StatusCode = 401;
                    context.Response.AddHeader("WWW-Authenticate", _scheme == "Bearer"
                        ? $"Bearer realm=\"http://127.0.0.1:{Port}/token\",service=\"fake\",scope=\"repository:team/app:pull\""
                        : "Basic realm=\"fake\"");
                    body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}";
                }
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    private static string Config(int port, string user = "ci", string password = "s3cret")
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("faultline-docker-config").FullName, "config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        File.WriteAllText(path, "{\"auths\": {\"http://127.0.0.1:" + port + "\": {\"auth\": \"" + auth + "\"}, \"other.example\": {\"auth\": \"eDp5\"}}}");
        return path;
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Basic")]
    public async Task Tags_ChallengedRegistry_AuthenticatesWithTheDockerConfig(string scheme)
    {
        using var server = new ChallengingRegistry(scheme);
        using var client = RegistryClient.Create($"http://127.0.0.1:{server.Port}", Config(server.Port));

        Assert.Equal(["1", "2"], await client.TagsAsync("team/app"));
        // The credentials (or token) are reused: the second call is not challenged again.
        Assert.Equal(["1", "2"], await client.TagsAsync("team/app"));
        Assert.Equal(scheme == "Bearer" ? 4 : 3, server.Seen.Count);
    }

    [Fact]
    public async Task Tags_WrongPassword_IsUnreachableWithTheReason()
    {
        using var server = new ChallengingRegistry("Bearer");
        using var client = RegistryClient.Create($"http://127.0.0.1:{server.Port}", Config(server.Port, password: "nope"));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.TagsAsync("team/app"));
        Assert.True(error.Unreachable);
        Assert.Contains("refused a token (401)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_BasicChallengeWithoutCredentials_SaysHowToLogIn()
    {
        using var server = new ChallengingRegistry("Basic");
        using var client = RegistryClient.Create($"http://127.0.0.1:{server.Port}", null);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.TagsAsync("team/app"));
        Assert.Contains($"docker login 127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerConfig_FindsCredentialsByHostWhateverTheKeyForm()
    {
        const string json = """{"auths": {"https://registry.example.com/v1/": {"auth": "dTpw"}, "127.0.0.1:5000": {"username": "a", "password": "b"}}}""";
        Assert.Equal(new RegistryCredentials("u", "p"), DockerConfig.Find(json, "registry.example.com"));
        Assert.Equal(new RegistryCredentials("a", "b"), DockerConfig.Find(json, "127.0.0.1:5000"));
        Assert.Null(DockerConfig.Find(json, "elsewhere.example"));
    }

    [Fact]
    public void ParseChallenge_ReadsQuotedValuesWithCommas()
    {
        var challenge = RegistryClient.ParseChallenge("realm=\"https://auth.example/token\",service=\"registry\",scope=\"repository:a/b:pull,push\"");
        Assert.Equal("https://auth.example/token", challenge["realm"]);
        Assert.Equal("repository:a/b:pull,push", challenge["scope"]);
    }

    [Fact]
    public void NextLink_ReadsRelNext() =>
        Assert.Equal("/v2/_catalog?last=b&n=2", RegistryClient.NextLink(["</v2/_catalog?last=b&n=2>; rel=\"next\""]));

    [Theory]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("registry.example.com", "https://registry.example.com/")]
    [InlineData("http://localhost:5000/v2/", "http://localhost:5000/")]
    public void ParseRegistry_DefaultsToHttpsExceptLoopback(string text, string expected) =>
        Assert.Equal(expected, RegistryClient.ParseRegistry(text).ToString());

    [Theory]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    [InlineData("unix:///run/x.sock", "unix:///run/x.sock")]
    public void DockerEngine_Connect_AcceptsUnixAndTcp(string host, string endpoint)
    {
        using var engine = DockerEngine.Connect(host);
        Assert.Equal(endpoint, engine.Endpoint);
    }

    [Theory]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("ssh://me@host")]
    [InlineData("unix://")]
    public void DockerEngine_Connect_RefusesOtherSchemes(string host) =>
        Assert.Throws<ArgumentException>(() => DockerEngine.Connect(host));

    [Fact]
    public async Task DockerEngine_TcpNobodyListening_IsUnreachable()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var engine = DockerEngine.Connect($"tcp://127.0.0.1:{port}");
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => engine.ListImagesAsync());
        Assert.True(error.Unreachable);
        Assert.StartsWith($"cannot reach the Docker engine at tcp://127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
