// The least a .NET proxy can do per request, to put the router's cost in context (bench/router/run.sh):
//   floor httpclient LISTEN_PORT UPSTREAM_URL   Kestrel in, one HttpClient GET out, status and body copied back
//   floor yarp LISTEN_PORT UPSTREAM_URL         Kestrel in, YARP's forwarder with its default transformer
// Neither splits, records metrics, nor copies headers beyond what YARP does by default: the router does all
// of that on top of the second.
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 3 || args[0] is not ("httpclient" or "yarp") || !int.TryParse(args[1], out var port) || !Uri.TryCreate(args[2], UriKind.Absolute, out var upstream))
{
    Console.Error.WriteLine("usage: floor httpclient|yarp LISTEN_PORT UPSTREAM_URL");
    return 2;
}
// As the router commands do (see Faultline.Cli's ProxyThreading), unless set by the caller.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
builder.WebHost.UseKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, port);
});
var app = builder.Build();
var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
});
if (args[0] == "yarp")
{
    var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
    var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
    var prefix = upstream.AbsoluteUri;
    app.Run(async ctx => await forwarder.SendAsync(ctx, prefix, client, config, HttpTransformer.Default));
}
else
{
    app.Run(async ctx =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(upstream, ctx.Request.Path.Value)) { Version = HttpVersion.Version11 };
        using var response = await client.SendAsync(request, ctx.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(ctx.RequestAborted);
        ctx.Response.StatusCode = (int)response.StatusCode;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    });
}
await app.RunAsync();
return 0;
