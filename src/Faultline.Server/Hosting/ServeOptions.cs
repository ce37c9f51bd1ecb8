using System.Net;
using Faultline.Integrations.Storage;
using Faultline.Server.Analyses;
using Microsoft.Extensions.Logging;

namespace Faultline.Server.Hosting;

/// <summary>How <c>faultline serve</c> runs: where it listens, where it keeps state, whom it lets in.</summary>
public sealed record ServeOptions
{
    public const string DefaultListen = "127.0.0.1:7070";
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>HOST:PORT; port 0 takes a free one (see <see cref="FaultlineServer.Address"/>).</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>sqlite:PATH, postgres:CONNSTRING, a postgres:// URL or a bare path.</summary>
    public string Store { get; init; } = "sqlite:faultline-state.db";

    public IReadOnlyList<string> TokenFiles { get; init; } = [];

    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Turns analysis definitions into plans; null means Prometheus, as the definitions say.</summary>
    public IAnalysisEngine? Engine { get; init; }

    /// <summary>An already opened store to use instead of <see cref="Store"/> (tests, benchmarks); not disposed by the server.</summary>
    public IEventStore? StoreInstance { get; init; }

    /// <summary>Replaces the JSON console logger (tests capture logs).</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>The endpoint to bind, or a message naming what is wrong with <see cref="Listen"/>.</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--listen must be HOST:PORT, e.g. {DefaultListen} (got '{listen}')");
        }
        var host = listen[..colon].Trim('[', ']');
        IPAddress address;
        if (host is "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (host is "*" or "0.0.0.0")
        {
            address = IPAddress.Any;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            throw new ArgumentException($"--listen: '{host}' is not an IP address; give one (127.0.0.1, 0.0.0.0, ::1) or localhost");
        }
        return new IPEndPoint(address, port);
    }
}
