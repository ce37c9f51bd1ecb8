using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Faultline.Router.Tests;

/// <summary>A small real HTTP service on a loopback port that says which version it is.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Upstream(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Latency added to every request, changeable while running.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Share of requests (0..1) answered 500.</summary>
    public double FailureShare { get; set; }

    public static async Task<Upstream> StartAsync(string version)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        Upstream? self = null;
        app.MapGet("/stream", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("first;");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(400);
            await ctx.Response.WriteAsync("second");
        });
        app.MapPost("/echo", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = ctx.Request.ContentType ?? "application/octet-stream";
            await ctx.Request.Body.CopyToAsync(ctx.Response.Body);
        });
        app.Map("/{**path}", async (HttpContext ctx) =>
        {
            if (self!.Delay > TimeSpan.Zero)
            {
                await Task.Delay(self.Delay);
            }
            if (self.FailureShare > 0 && Random.Shared.NextDouble() < self.FailureShare)
            {
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync("failed");
                return;
            }
            await ctx.Response.WriteAsync(version);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new Upstream(app, new Uri(address + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
