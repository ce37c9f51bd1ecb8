using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Faultline.Cli.Canary;

/// <summary>
/// A small sample service for the demo and the rollout tests: answers every request after a log-normal delay
/// (median <see cref="MedianMs"/>), and fails a share of them with 500. Both can change while it runs.
/// </summary>
internal sealed class DemoService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoService(WebApplication app, Uri url, string version)
    {
        _app = app;
        Url = url;
        Version = version;
    }

    public Uri Url { get; }

    public string Version { get; }

    public double MedianMs { get; set; } = 20;

    /// <summary>Spread of the log-normal delay (sigma of its logarithm).</summary>
    public double Spread { get; set; } = 0.25;

    public double ErrorShare { get; set; }

    public static async Task<DemoService> StartAsync(string version, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        DemoService? self = null;
        app.Map("/{**path}", async (HttpContext ctx) =>
        {
            var s = self!;
            // Box-Muller for a normal draw, then the log-normal delay.
            var normal = Math.Sqrt(-2 * Math.Log(1 - Random.Shared.NextDouble())) * Math.Cos(2 * Math.PI * Random.Shared.NextDouble());
            await Task.Delay(TimeSpan.FromMilliseconds(s.MedianMs * Math.Exp(s.Spread * normal)));
            if (s.ErrorShare > 0 && Random.Shared.NextDouble() < s.ErrorShare)
            {
                ctx.Response.StatusCode = 500;
                await ctx.Response.WriteAsync($"{s.Version}: failed\n");
                return;
            }
            await ctx.Response.WriteAsync($"{s.Version}\n");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new DemoService(app, new Uri(address + "/"), version);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Sends requests to a URL from several concurrent clients until stopped, counting answers by status.</summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers;
    private readonly HttpClient _http;
    private long _sent;
    private long _failed;

    public LoadGenerator(Uri target, int concurrency)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = concurrency }) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(10) };
        _workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => Work(i))).ToList();
    }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Requests that got no answer or a 5xx.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    private async Task Work(int worker)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/checkout?user={worker}");
                using var response = await _http.SendAsync(request, _stop.Token);
                await response.Content.ReadAsByteArrayAsync(_stop.Token);
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failed);
                await Task.Delay(50);
            }
            Interlocked.Increment(ref _sent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }
}
