using System.Net;
using System.Net.Http.Headers;

namespace Faultline.Server.Tests;

public sealed class SecurityTests
{
    [Fact]
    public async Task Health_NeedsNoToken()
    {
        await using var h = await ServerHarness.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await h.Anonymous.GetAsync("healthz/live")).StatusCode);
        var ready = await h.Anonymous.GetAsync("healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\":\"ready\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_MissingOrWrongToken_Is401_AndTheTokenIsNeverLogged()
    {
        await using var h = await ServerHarness.StartAsync();
        var missing = await h.Anonymous.GetAsync("api/v1/analyses");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("no Authorization header", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "judge") { Content = ServerHarness.Json("{}") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guessed-token-xyz");
        var response = await h.Anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "api/v1/analyses/x/argo");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Anonymous.SendAsync(basic)).StatusCode);

        var refusals = h.Logs.Lines.Where(l => l.Contains("refused", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, refusals.Count);
        Assert.Contains(refusals, l => l.Contains("/judge", StringComparison.Ordinal) && l.Contains("not one of the configured tokens", StringComparison.Ordinal));
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains("guessed-token-xyz", StringComparison.Ordinal) || l.Contains("dXNlcjpwYXNz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flagger_WithoutHeader_NeedsMetadataToken()
    {
        await using var h = await ServerHarness.StartAsync();
        const string Payload = """{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "1", "metadata": METADATA}""";
        var none = await h.Anonymous.PostAsync("api/v1/flagger/rollout", ServerHarness.Json(Payload.Replace("METADATA", "{}", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var wrong = await h.Anonymous.PostAsync("api/v1/flagger/rollout", ServerHarness.Json(Payload.Replace("METADATA", "{\"token\": \"nope-nope\"}", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var right = await h.Anonymous.PostAsync("api/v1/flagger/rollout", ServerHarness.Json(Payload.Replace("METADATA", $"{{\"token\": \"{ServerHarness.Token}\"}}", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.NotFound, right.StatusCode); // authenticated; no such analysis
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains("nope-nope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_SeveralFiles_AllAccepted_AndARewrittenFileRotates()
    {
        var folder = Directory.CreateTempSubdirectory("faultline-tokens-").FullName;
        var oldFile = Path.Combine(folder, "old");
        var newFile = Path.Combine(folder, "new");
        await File.WriteAllTextAsync(oldFile, "old-token\n# a comment\n");
        await File.WriteAllTextAsync(newFile, "new-token-a\nnew-token-b\n");
        await using var h = await ServerHarness.StartAsync(tokenFiles: [oldFile, newFile]);
        foreach (var token in new[] { "old-token", "new-token-a", "new-token-b" })
        {
            Assert.Equal(HttpStatusCode.OK, await Status(h, token));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(h, "# a comment"));

        // Rotation: the old token is taken out of its file; the server notices without a restart.
        await File.WriteAllTextAsync(oldFile, "replacement-token\n");
        File.SetLastWriteTimeUtc(oldFile, DateTime.UtcNow.AddSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Status(h, "old-token") == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(h, "old-token"));
        Assert.Equal(HttpStatusCode.OK, await Status(h, "replacement-token"));
        Assert.Equal(HttpStatusCode.OK, await Status(h, "new-token-b"));
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<HttpStatusCode> Status(ServerHarness h, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/analyses");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await h.Anonymous.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Body_OverTheLimit_Is413_WithOrWithoutContentLength()
    {
        await using var h = await ServerHarness.StartAsync(maxBody: 64 * 1024);
        var big = "{\"name\": \"" + new string('x', 100 * 1024) + "\"}";
        var declared = await h.Http.PostAsync("api/v1/analyses", ServerHarness.Json(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("limit", await declared.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "judge") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await h.Http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("api/v1/analyses", "{\"name\": \"checkout\", ", "malformed JSON at line 1")]
    [InlineData("judge", "{\"canaryConfig\": {]}", "malformed JSON at line 1, byte")]
    [InlineData("api/v1/flagger/rollout", "name=podinfo", "malformed JSON")]
    [InlineData("api/v1/analyses", "", "the body is empty")]
    [InlineData("api/v1/analyses", "[1, 2]", "must be a JSON object")]
    [InlineData("api/v1/flagger/rollout", "{\"name\": \"podinfo\"}", "not a Flagger webhook payload")]
    [InlineData("judge", "{\"canaryConfig\": {}, \"scoreThresholds\": {\"pass\": 95, \"marginal\": 75}, \"metricSetPairList\": [{\"name\": \"x\", \"values\": {\"control\": [1, true]}}]}", "metricSetPairList[0].values.control[1]")]
    public async Task Body_Malformed_Is400_WithAMessage(string path, string body, string message)
    {
        await using var h = await ServerHarness.StartAsync();
        var response = await h.Http.PostAsync(path, ServerHarness.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.StartsWith("{\"error\":", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_IsOff_NoAllowOriginHeader()
    {
        await using var h = await ServerHarness.StartAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "judge");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var response = await h.Http.SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
