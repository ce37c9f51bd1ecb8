using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Probes;

internal sealed class LivenessChecksDependencyRule : Rule
{
    private static readonly HashSet<string> LocalHosts = ["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"];

    public override RuleInfo Info { get; } = new(
        "probe.liveness-checks-dependency",
        Severity.High,
        "Liveness probe checks a dependency",
        "The liveness probe exercises something other than the process itself: another service, or a readiness/deep health endpoint.",
        "Point liveness at a cheap endpoint that only proves the process is alive (e.g. /healthz or /livez); check dependencies in readiness, if at all.",
        """
        A liveness failure restarts the container. When the probe calls a database, another service, or an endpoint
        that checks them (`/ready`, `/health/ready`, `/healthz/deep`, `/dependencies`), a slow dependency makes every
        replica fail liveness at once and Kubernetes restarts them all: an outage caused by the health check. Exec
        probes fire when they run an HTTP or database client (curl, wget, grpc_health_probe, nc, pg_isready,
        redis-cli, mysqladmin) against a host other than localhost. The path list and the client list are parameters.
        """,
        [
            new("dependencyPaths", "HTTP paths (lowercase, no trailing slash) that check dependencies or readiness.",
                ["/ready", "/readyz", "/readiness", "/health/ready", "/healthz/ready", "/health/readiness", "/healthz/readiness",
                 "/deep", "/health/deep", "/healthz/deep", "/dependencies", "/health/dependencies", "/deps", "/health/deps",
                 "/actuator/health/readiness", "/health/full", "/healthz/full"]),
            new("clients", "Programs that call out over the network when run in an exec probe.",
                ["curl", "wget", "grpc_health_probe", "grpcurl", "nc", "ncat", "pg_isready", "redis-cli", "mysqladmin", "mongosh", "mongo"]),
        ]);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var paths = context.Parameter("dependencyPaths").ToHashSet(StringComparer.Ordinal);
        var clients = context.Parameter("clients").ToHashSet(StringComparer.Ordinal);
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                if (c.Liveness is not { } live)
                {
                    continue;
                }
                string? why = live.Kind switch
                {
                    ProbeKind.Http when Normalize(live.Path) is { } p && paths.Contains(p) => $"HTTP GET {live.Path} is a readiness or dependency endpoint",
                    ProbeKind.Http when live.Host is { } h && !LocalHosts.Contains(h) => $"HTTP GET goes to host {h}",
                    ProbeKind.Exec when RemoteCall(live.Command, clients) is { } call => call,
                    ProbeKind.Exec when LocalDependencyPath(live.Command, paths) is { } local => $"exec calls {local}, a readiness or dependency endpoint",
                    _ => null,
                };
                if (why is null)
                {
                    continue;
                }
                yield return context.ForWorkload(w, live.Node,
                    $"liveness probe of container '{c.Name}' in {w} checks more than the process: {why}; a slow dependency restarts every replica",
                    "a liveness failure means this process is broken and a restart will help",
                    $"livenessProbe: {live.Describe()}");
            }
        }
    }

    /// <summary>A URL on this host whose path is a dependency endpoint, e.g. curl http://localhost:8080/ready.</summary>
    private static string? LocalDependencyPath(IReadOnlyList<string> command, IReadOnlySet<string> paths)
    {
        foreach (var word in command.SelectMany(a => a.Split([' ', '\t', '\n', ';', '&', '|'], StringSplitOptions.RemoveEmptyEntries)))
        {
            foreach (var address in Addresses.Find(word.Trim('\'', '"'), bareHostAllowed: false))
            {
                if (address.IsUrl && Normalize(address.Path) is { } p && paths.Contains(p))
                {
                    return word.Trim('\'', '"');
                }
            }
        }
        return null;
    }

    private static string? Normalize(string? path)
    {
        if (path is null)
        {
            return null;
        }
        var q = path.IndexOfAny(['?', '#']);
        if (q >= 0)
        {
            path = path[..q];
        }
        path = path.ToLowerInvariant().TrimEnd('/');
        return path.StartsWith('/') ? path : "/" + path;
    }

    /// <summary>Describes the remote call an exec probe makes, or null when it stays on this host.</summary>
    internal static string? RemoteCall(IReadOnlyList<string> command, IReadOnlySet<string> clients)
    {
        // Shell wrappers ("sh -c 'curl ...'") hide the words in one argument: split them all.
        var words = command.SelectMany(a => a.Split([' ', '\t', '\n', ';', '&', '|'], StringSplitOptions.RemoveEmptyEntries)).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            var tool = Path.GetFileName(words[i]);
            if (!clients.Contains(tool))
            {
                continue;
            }
            for (var j = i + 1; j < words.Count && !clients.Contains(Path.GetFileName(words[j])); j++)
            {
                var host = HostOf(words, j);
                if (host is not null && !LocalHosts.Contains(host))
                {
                    return $"exec runs {tool} against {host}";
                }
            }
        }
        return null;
    }

    private static string? HostOf(List<string> words, int j)
    {
        var word = words[j].Trim('\'', '"');
        if (word is "-h" or "--host" or "-host" && j + 1 < words.Count)
        {
            // Only a host name counts: $POD_IP, $(hostname -i) and socket folders are this pod.
            var host = words[j + 1].Trim('\'', '"');
            return Addresses.IsDnsName(host) ? host : null;
        }
        foreach (var flag in new[] { "--host=", "-addr=", "--addr=", "-h=" })
        {
            if (word.StartsWith(flag, StringComparison.Ordinal))
            {
                word = word[flag.Length..];
                if (!word.Contains(':', StringComparison.Ordinal))
                {
                    return Addresses.IsDnsName(word) ? word : null;
                }
            }
        }
        if (word.StartsWith('-'))
        {
            return null;
        }
        return Addresses.Find(word, bareHostAllowed: false).Select(a => a.Host).FirstOrDefault();
    }
}
