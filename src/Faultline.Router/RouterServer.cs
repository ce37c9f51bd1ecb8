using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Faultline.Core.Canary;
using Faultline.Core.Judge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Faultline.Router;

/// <summary>Everything the router needs to start: the router block of a rollout file, and the state to start in.</summary>
public sealed record RouterOptions
{
    /// <summary>Listen address (port 0 takes a free one, see <see cref="RouterServer.ListenUrl"/>), upstreams, admin, sticky, override header, timeout.</summary>
    public required RouterSpec Spec { get; init; }

    public int CanaryWeight { get; init; }

    /// <summary>Statuses the judge counts as errors.</summary>
    public StatusSet ErrorStatuses { get; init; } = StatusSet.Default;

    /// <summary>Whether PUT /weights may change the split (not while a rollout drives it).</summary>
    public bool AdminSetsWeights { get; init; } = true;
}

/// <summary>
/// The embedded traffic router: a reverse proxy (YARP's forwarder on Kestrel) in front of a stable and a canary
/// upstream, splitting by weight, with sticky and header overrides, recording every proxied request per
/// version, and a small admin API on its own listener.
/// </summary>
public sealed class RouterServer : IAsyncDisposable
{
    /// <summary>
    /// When "1", .NET runs socket completions on its event thread instead of the thread pool (see Faultline.Cli's
    /// ProxyThreading for why a proxy wants this). Kestrel keeps dispatching requests to its own queues: running
    /// them inline too (UnsafePreferInlineScheduling) measured slower.
    /// </summary>
    public const string InlineIoVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly RouterOptions _options;
    private readonly WebApplication _proxy;
    private readonly WebApplication? _admin;
    private readonly HttpMessageInvoker _client;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly UpstreamPool _stablePool;
    private readonly UpstreamPool _canaryPool;

    private RouterServer(RouterOptions options, WebApplication proxy, WebApplication? admin, HttpMessageInvoker client)
    {
        _options = options;
        _proxy = proxy;
        _admin = admin;
        _client = client;
        _stablePool = new UpstreamPool(options.Spec.Stable);
        _canaryPool = new UpstreamPool(options.Spec.Canary);
        Split = new TrafficSplit(options.Spec.Sticky, options.Spec.OverrideHeader) { CanaryWeight = options.CanaryWeight };
        Stable = new VersionMetrics(options.ErrorStatuses);
        Canary = new VersionMetrics(options.ErrorStatuses);
    }

    public TrafficSplit Split { get; }

    public VersionMetrics Stable { get; }

    public VersionMetrics Canary { get; }

    public Uri ListenUrl { get; private set; } = null!;

    public Uri? AdminUrl { get; private set; }

    /// <summary>Whether PUT /weights is refused (a rollout drives the weights).</summary>
    public bool WeightsLocked => !_options.AdminSetsWeights;

    /// <summary>Starts both listeners; a port in use or a bad address fails here with the address named.</summary>
    public static async Task<RouterServer> StartAsync(RouterOptions options, CancellationToken cancel = default)
    {
        if (options.Spec.Stable.Count == 0 || options.Spec.Canary.Count == 0)
        {
            throw new ArgumentException("the router needs at least one stable and one canary upstream");
        }
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
        });
        var proxy = Build(options.Spec.Listen, unlimitedBodies: true);
        WebApplication? admin = options.Spec.Admin is { } a ? Build(a, unlimitedBodies: false) : null;
        var router = new RouterServer(options, proxy, admin, client);
        router.MapProxy();
        if (admin is not null)
        {
            router.MapAdmin(admin);
        }
        try
        {
            await proxy.StartAsync(cancel);
            router.ListenUrl = Address(proxy);
            if (admin is not null)
            {
                await admin.StartAsync(cancel);
                router.AdminUrl = Address(admin);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            await router.DisposeAsync();
            throw new RouterException($"cannot listen: {e.Message}", e);
        }
        return router;
    }

    private static WebApplication Build(string listen, bool unlimitedBodies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // An upstream that refuses or times out is counted per version (and answered 502/504); a stack trace per
        // failed request would flood the terminal exactly when someone is watching it.
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Error);
        // With any level enabled for this category, hosting starts an Activity and a log scope for every request
        // (and HttpClient a child Activity for the upstream call): a measurable share of a proxy's CPU, for
        // nothing the router logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddHttpForwarder();
        var endpoint = Endpoint(listen);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(endpoint);
            if (unlimitedBodies)
            {
                k.Limits.MaxRequestBodySize = null;
            }
            else
            {
                k.Limits.MaxRequestBodySize = 64 * 1024;
            }
        });
        return builder.Build();
    }

    /// <summary>HOST:PORT as an endpoint: an IP address, localhost, or * / 0.0.0.0 for every interface.</summary>
    public static IPEndPoint Endpoint(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new RouterException($"'{listen}' is not HOST:PORT (e.g. 127.0.0.1:8080)");
        }
        var host = listen[..colon].Trim('[', ']');
        var address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => throw new RouterException($"'{host}' is not an IP address; give one (e.g. 127.0.0.1) or localhost"),
        };
        return new IPEndPoint(address, port);
    }

    private static Uri Address(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    private void MapProxy()
    {
        var forwarder = _proxy.Services.GetRequiredService<IHttpForwarder>();
        // HTTP/1.1 to the upstreams (also over https), rather than YARP's default of asking for HTTP/2 and falling back.
        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = _options.Spec.UpstreamTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        var stableTransformer = new VersionTransformer(_options.Spec.OverrideHeader, "stable");
        var canaryTransformer = new VersionTransformer(_options.Spec.OverrideHeader, "canary");
        // One terminal handler rather than endpoint routing: the proxy's hot path is this function.
        _proxy.Run(async ctx =>
        {
            if (ctx.Request.Path.Equals(RouterDefaults.MetricsPath, StringComparison.Ordinal) && HttpMethods.IsGet(ctx.Request.Method))
            {
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await ctx.Response.WriteAsync(PrometheusText());
                return;
            }
            var start = Stopwatch.GetTimestamp();
            var headers = ctx.Request.Headers;
            var (version, setCookie) = Split.Choose(
                headers.TryGetValue(Split.OverrideHeader, out var forced) ? forced.ToString() : null,
                Split.Sticky.Header is { } h && headers.TryGetValue(h, out var key) ? key.ToString() : null,
                Split.Sticky.Kind == "cookie" && ctx.Request.Cookies.TryGetValue(RouterDefaults.StickyCookie, out var cookie) ? cookie : null);
            var canary = version == TrafficVersion.Canary;
            var pool = canary ? _canaryPool : _stablePool;
            var upstream = pool.Next();
            if (setCookie is not null)
            {
                ctx.Response.Cookies.Append(RouterDefaults.StickyCookie, setCookie, new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Lax });
            }
            var transformer = canary ? canaryTransformer : stableTransformer;
            var error = await forwarder.SendAsync(ctx, pool[upstream].AbsoluteUri, _client, config, transformer);
            if (error == ForwarderError.Request && pool.Count > 1)
            {
                // The upstream refused or reset the connection before answering: skip it for a while, and send a
                // request without a body once more to another upstream of the same version (nothing was read
                // from the client that could not be sent again).
                pool.Refused(upstream);
                if (!ctx.Response.HasStarted && WithoutBody(ctx.Request))
                {
                    ctx.Response.StatusCode = StatusCodes.Status200OK;
                    ctx.Features.Set<IForwarderErrorFeature>(null);
                    error = await forwarder.SendAsync(ctx, pool[pool.Next(except: upstream)].AbsoluteUri, _client, config, transformer);
                }
            }
            var failure = error switch
            {
                ForwarderError.None => UpstreamFailure.None,
                ForwarderError.RequestTimedOut => UpstreamFailure.Timeout,
                ForwarderError.Request => UpstreamFailure.Connect,
                ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
                    or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled => (UpstreamFailure?)null,
                _ => UpstreamFailure.Other,
            };
            if (failure is not { } f)
            {
                return; // the client went away: says nothing about the version
            }
            if (f != UpstreamFailure.None && !ctx.Response.HasStarted)
            {
                ctx.Response.Headers[_options.Spec.OverrideHeader] = canary ? "canary" : "stable";
            }
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            (canary ? Canary : Stable).Record(ctx.Response.StatusCode, elapsed, f);
        });
    }

    private static bool WithoutBody(HttpRequest request) =>
        request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding");

    /// <summary>Copies the request and response as YARP does, and names the version that answered in a response header.</summary>
    private sealed class VersionTransformer(string header, string version) : HttpTransformer
    {
        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            httpContext.Response.Headers[header] = version;
            return result;
        }
    }

    private void MapAdmin(WebApplication admin)
    {
        admin.MapGet("/weights", () => Results.Text(Weights().ToJsonString(Json), "application/json"));
        admin.MapPut("/weights", async (HttpContext ctx) =>
        {
            if (WeightsLocked)
            {
                return Problem(409, "a rollout drives the weights; use faultline canary run to change them");
            }
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(ctx.Request.Body);
            }
            catch (System.Text.Json.JsonException e)
            {
                return Problem(400, $"the body is not JSON: {e.Message}");
            }
            catch (BadHttpRequestException e)
            {
                return Problem(e.StatusCode, e.Message);
            }
            var canary = Int(body?["canary"]);
            var stable = Int(body?["stable"]);
            if (canary is null && stable is not null)
            {
                canary = 100 - stable;
            }
            if (canary is not (>= 0 and <= 100) || (stable is not null && stable + canary != 100))
            {
                return Problem(400, "give {\"canary\": N} with N from 0 to 100 (and, if you give stable, stable + canary = 100)");
            }
            Split.CanaryWeight = canary.Value;
            return Results.Text(Weights().ToJsonString(Json), "application/json");
        });
        admin.MapGet("/status", () => Results.Text(Status().ToJsonString(Json), "application/json"));
        admin.MapGet("/metrics", () => Results.Text(PrometheusText(), "text/plain; version=0.0.4; charset=utf-8"));
    }

    private static int? Int(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    private static IResult Problem(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(Json), "application/json", statusCode: status);

    public JsonObject Weights() => new() { ["stable"] = 100 - Split.CanaryWeight, ["canary"] = Split.CanaryWeight };

    public JsonObject Status()
    {
        JsonObject Version(UpstreamPool upstreams, VersionMetrics metrics)
        {
            var s = metrics.Snapshot();
            return new JsonObject
            {
                ["upstreams"] = new JsonArray(Enumerable.Range(0, upstreams.Count).Select(i => (JsonNode?)JsonValue.Create(upstreams[i].AbsoluteUri)).ToArray()),
                ["skipped"] = new JsonArray(Enumerable.Range(0, upstreams.Count).Where(upstreams.Skipped).Select(i => (JsonNode?)JsonValue.Create(upstreams[i].AbsoluteUri)).ToArray()),
                ["requests"] = s.Requests,
                ["errors"] = s.Errors,
                ["timeouts"] = s.Failure(UpstreamFailure.Timeout),
                ["connectFailures"] = s.Failure(UpstreamFailure.Connect),
            };
        }
        return new JsonObject
        {
            ["listen"] = ListenUrl.AbsoluteUri,
            ["weights"] = Weights(),
            ["sticky"] = Split.Sticky.ToString(),
            ["overrideHeader"] = Split.OverrideHeader,
            ["weightsLocked"] = WeightsLocked,
            ["startedAt"] = _started.ToString("O", CultureInfo.InvariantCulture),
            ["stable"] = Version(_stablePool, Stable),
            ["canary"] = Version(_canaryPool, Canary),
        };
    }

    /// <summary>The router's metrics in the Prometheus text format, with a version label.</summary>
    public string PrometheusText()
    {
        var text = new StringBuilder();
        var versions = new[] { ("stable", Stable.Snapshot()), ("canary", Canary.Snapshot()) };
        text.Append("# HELP faultline_router_requests_total Requests proxied, by version and status class.\n# TYPE faultline_router_requests_total counter\n");
        foreach (var (name, s) in versions)
        {
            for (var c = 0; c < 6; c++)
            {
                if (s.ByClass[c] > 0 || c is 2 or 5)
                {
                    var cls = c == 0 ? "none" : $"{c}xx";
                    text.Append(CultureInfo.InvariantCulture, $"faultline_router_requests_total{{version=\"{name}\",status_class=\"{cls}\"}} {s.ByClass[c]}\n");
                }
            }
        }
        text.Append("# HELP faultline_router_upstream_errors_total Requests the upstream did not answer, by version and kind.\n# TYPE faultline_router_upstream_errors_total counter\n");
        foreach (var (name, s) in versions)
        {
            foreach (var kind in new[] { UpstreamFailure.Timeout, UpstreamFailure.Connect, UpstreamFailure.Other })
            {
                text.Append(CultureInfo.InvariantCulture, $"faultline_router_upstream_errors_total{{version=\"{name}\",kind=\"{kind.ToString().ToLowerInvariant()}\"}} {s.Failure(kind)}\n");
            }
        }
        text.Append("# HELP faultline_router_request_duration_seconds Time from request to the end of the response, by version.\n# TYPE faultline_router_request_duration_seconds histogram\n");
        foreach (var (name, s) in versions)
        {
            long running = 0;
            for (var i = 0; i < VersionMetrics.ExportBounds.Length; i++)
            {
                running += s.CoarseBuckets[i];
                text.Append(CultureInfo.InvariantCulture, $"faultline_router_request_duration_seconds_bucket{{version=\"{name}\",le=\"{VersionMetrics.ExportBounds[i].ToString(CultureInfo.InvariantCulture)}\"}} {running}\n");
            }
            running += s.CoarseBuckets[^1];
            text.Append(CultureInfo.InvariantCulture, $"faultline_router_request_duration_seconds_bucket{{version=\"{name}\",le=\"+Inf\"}} {running}\n");
            text.Append(CultureInfo.InvariantCulture, $"faultline_router_request_duration_seconds_sum{{version=\"{name}\"}} {s.SumSeconds.ToString("0.######", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"faultline_router_request_duration_seconds_count{{version=\"{name}\"}} {running}\n");
        }
        text.Append("# HELP faultline_router_gc_collections_total Garbage collections in the router process, by the oldest generation collected.\n# TYPE faultline_router_gc_collections_total counter\n");
        for (var g = 0; g <= GC.MaxGeneration; g++)
        {
            // CollectionCount(g) also counts the collections of older generations, which collect g as well.
            var only = GC.CollectionCount(g) - (g < GC.MaxGeneration ? GC.CollectionCount(g + 1) : 0);
            text.Append(CultureInfo.InvariantCulture, $"faultline_router_gc_collections_total{{generation=\"{g}\"}} {Math.Max(only, 0)}\n");
        }
        text.Append("# HELP faultline_router_gc_pause_seconds_total Time the router's threads were paused for garbage collection.\n# TYPE faultline_router_gc_pause_seconds_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"faultline_router_gc_pause_seconds_total {GC.GetTotalPauseDuration().TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture)}\n");
        text.Append("# HELP faultline_router_canary_weight The canary's share of traffic in percent.\n# TYPE faultline_router_canary_weight gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"faultline_router_canary_weight {Split.CanaryWeight}\n");
        return text.ToString();
    }

    /// <summary>Stops accepting, lets requests in flight finish (up to five seconds), and closes both listeners.</summary>
    public async Task StopAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _proxy.StopAsync(grace.Token);
        if (_admin is not null)
        {
            await _admin.StopAsync(grace.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // not started, or already stopped
        }
        await _proxy.DisposeAsync();
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
        _client.Dispose();
    }
}

/// <summary>The router cannot start (bad address, port in use).</summary>
public sealed class RouterException(string message, Exception? inner = null) : Exception(message, inner);
