using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;
using Faultline.Server.Analyses;
using Faultline.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Faultline.Server.Tests;

/// <summary>A clock the test moves by hand, so looks cover known windows.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Log lines written by a server, for assertions about what is (and is not) logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>
/// Analyses for unit-level server tests without Prometheus: the definition's <c>fake</c> block says how many
/// requests per second each arm serves and how much slower the canary is; every look is a pure function of its
/// window, so any replica that reads the same window gets the same numbers.
/// </summary>
public sealed class FakeEngine : IAnalysisEngine
{
    /// <summary>Bucket bounds 2% apart from 10 ms to about 5 s, fine enough for a 5% tolerance to be shown.</summary>
    public static readonly double[] Bounds = Enumerable.Range(0, 315).Select(k => 10 * Math.Pow(1.02, k)).Append(double.PositiveInfinity).ToArray();

    public int Reads;

    public AnalysisPlan? Plan(string body, List<string> problems)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("fake", out var fake))
        {
            problems.Add("fake: missing");
            return null;
        }
        var slow = fake.TryGetProperty("canarySlowdown", out var s) && s.GetBoolean();
        var errorShare = fake.TryGetProperty("canaryErrors", out var e) ? e.GetDouble() : 0.005;
        var missing = fake.TryGetProperty("missing", out var m) ? m.GetString() : null;
        var settings = new JudgeSettings { MinSamples = 500 };
        return new AnalysisPlan(settings, new Source(this, slow, errorShare, missing), TimeSpan.Zero);
    }

    private sealed class Source(FakeEngine owner, bool slow, double canaryErrors, string? missing) : ILookSource
    {
        public Task<AnalysisLook> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancel)
        {
            Interlocked.Increment(ref owner.Reads);
            if (missing is not null)
            {
                return Task.FromResult(new AnalysisLook(null, null, [missing]));
            }
            var seconds = (long)Math.Round((to - from).TotalSeconds);
            return Task.FromResult(new AnalysisLook(Arm(seconds * 20, 0.005, false), Arm(seconds * 20, canaryErrors, slow), []));
        }
    }

    /// <summary>A log-normal latency histogram of n requests: median 60 ms when healthy, 80 ms when slow.</summary>
    public static IntervalAggregate Arm(long n, double errorShare, bool slow)
    {
        var median = slow ? 80.0 : 60.0;
        var counts = Bounds.Select(b => double.IsPositiveInfinity(b) ? n : (long)Math.Round(n * NormalCdf((Math.Log(b) - Math.Log(median)) / 0.5))).ToList();
        return new IntervalAggregate(n, (long)Math.Round(n * errorShare), new LatencyHistogram(Bounds, counts));
    }

    /// <summary>Phi(x) by Abramowitz and Stegun 7.1.26 (error below 1.5e-7).</summary>
    private static double NormalCdf(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * z));
        var erf = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}

/// <summary>One in-process <c>faultline serve</c> on a free loopback port, with a token file and a store.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";

    private ServerHarness(FaultlineServer server, string folder, CapturedLogs logs)
    {
        Server = server;
        Folder = folder;
        Logs = logs;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Anonymous = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FaultlineServer Server { get; }

    public string Folder { get; }

    public CapturedLogs Logs { get; }

    /// <summary>A client that sends the bearer token.</summary>
    public HttpClient Http { get; }

    /// <summary>A client that sends no Authorization header.</summary>
    public HttpClient Anonymous { get; }

    public static async Task<ServerHarness> StartAsync(
        string? store = null,
        TimeProvider? clock = null,
        IAnalysisEngine? engine = null,
        IEventStore? storeInstance = null,
        IReadOnlyList<string>? tokenFiles = null,
        long maxBody = ServeOptions.DefaultMaxBodyBytes,
        bool realEngine = false)
    {
        var folder = Directory.CreateTempSubdirectory("faultline-serve-").FullName;
        var tokens = Path.Combine(folder, "tokens");
        await File.WriteAllTextAsync(tokens, Token + "\n");
        var logs = new CapturedLogs();
        var server = await FaultlineServer.StartAsync(new ServeOptions
        {
            Listen = "127.0.0.1:0",
            Store = store ?? $"sqlite:{Path.Combine(folder, "state.db")}",
            StoreInstance = storeInstance,
            TokenFiles = tokenFiles ?? [tokens],
            Clock = clock ?? TimeProvider.System,
            Engine = realEngine ? null : engine ?? new FakeEngine(),
            MaxBodyBytes = maxBody,
            Logging = l => l.AddProvider(logs),
        });
        return new ServerHarness(server, folder, logs);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS
        }
    }
}
