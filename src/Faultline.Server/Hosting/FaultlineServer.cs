using System.Net;
using Faultline.Integrations.Storage;
using Faultline.Server.Analyses;
using Faultline.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Faultline.Server.Hosting;

/// <summary>
/// <c>faultline serve</c>: Kestrel on one address, the event store migrated before the first request, bearer
/// tokens on everything but <c>/healthz</c>, JSON logs on stderr, and OpenTelemetry traces and metrics of its
/// own requests (exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
/// </summary>
public sealed class FaultlineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsStore;

    private FaultlineServer(WebApplication app, IEventStore store, bool ownsStore, Uri address)
    {
        _app = app;
        Store = store;
        _ownsStore = ownsStore;
        Address = address;
    }

    /// <summary>The base address it listens on, with the real port when port 0 was asked for.</summary>
    public Uri Address { get; }

    public IEventStore Store { get; }

    public static async Task<FaultlineServer> StartAsync(ServeOptions options, CancellationToken cancel = default)
    {
        var endpoint = ServeOptions.ParseListen(options.Listen);
        var tokens = TokenSet.Load(options.TokenFiles, options.Clock);
        var ownsStore = options.StoreInstance is null;
        var store = options.StoreInstance ?? EventStores.Open(options.Store);
        try
        {
            await store.MigrateAsync(cancel);
            var app = Build(options, endpoint, tokens, store);
            await app.StartAsync(cancel);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new FaultlineServer(app, store, ownsStore, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal) + "/"));
        }
        catch
        {
            if (ownsStore)
            {
                await store.DisposeAsync();
            }
            throw;
        }
    }

    private static WebApplication Build(ServeOptions options, IPEndPoint endpoint, TokenSet tokens, IEventStore store)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "faultline", EnvironmentName = Environments.Production });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes * Responses.DrainFactor;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Logging.ClearProviders();
        if (options.Logging is { } configure)
        {
            configure(builder.Logging);
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.IncludeScopes = false;
            });
            // Logs go to stderr, as for every Faultline command; stdout stays for answers.
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Information);
        }
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("faultline", serviceVersion: typeof(FaultlineServer).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t.AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(ServerTelemetry.MeterName));
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            telemetry.UseOtlpExporter();
        }
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(tokens);
        builder.Services.AddSingleton(options.Clock);
        builder.Services.AddSingleton<ServerTelemetry>();
        builder.Services.AddSingleton(options.Engine ?? new PrometheusAnalysisEngine());
        builder.Services.AddSingleton<AnalysisService>();
        var app = builder.Build();
        app.UseMiddleware<BearerAuthentication>();
        Endpoints.Map(app, options.MaxBodyBytes);
        return app;
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancel"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel = default) => _app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }
    }
}
