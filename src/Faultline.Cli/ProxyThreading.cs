using Faultline.Router;

namespace Faultline.Cli;

/// <summary>
/// The commands that carry traffic through the embedded router (`router`, `canary run`, `canary demo`) run socket
/// completions on .NET's socket event threads (one per core) instead of handing each one to the thread pool.
/// A proxy does little work per completion, so the hand-off (a context switch and a thread-pool wake-up per
/// read) costs more than the work: on 2 cores shared with the load generator and the upstreams, this takes the
/// router from about 0.65x to about 0.8x nginx's requests per second (bench/router). Kestrel still runs request
/// handling on its own queues. Set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to keep .NET's default.
/// </summary>
internal static class ProxyThreading
{
    /// <summary>Whether the command line runs the router in this process.</summary>
    public static bool CarriesTraffic(string[] args) => args is ["router", ..] or ["canary", "run" or "demo", ..];

    public static void Prefer(string[] args)
    {
        if (CarriesTraffic(args) && Environment.GetEnvironmentVariable(RouterServer.InlineIoVariable) is null)
        {
            // Read by System.Net.Sockets when its first socket is created, which has not happened yet.
            Environment.SetEnvironmentVariable(RouterServer.InlineIoVariable, "1");
        }
    }
}
