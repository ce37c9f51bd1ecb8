using System.Text.RegularExpressions;

namespace Faultline.Core.Model;

/// <summary>An address found in a string: host, optional port, and whether the port came from a URL scheme's default.</summary>
public readonly record struct Address(string Host, int? Port, bool PortImplied, bool Structured, bool IsUrl = false, string Path = "");

/// <summary>
/// Finds addresses in configuration strings: URLs, host:port pairs and, where the variable's name says it is an
/// address, bare host names. Pure text work; deciding which hosts are in the cluster is the model's job.
/// </summary>
public static partial class Addresses
{
    private static readonly Dictionary<string, int> DefaultPorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["http"] = 80, ["ws"] = 80, ["https"] = 443, ["wss"] = 443, ["redis"] = 6379, ["rediss"] = 6379,
        ["postgres"] = 5432, ["postgresql"] = 5432, ["mysql"] = 3306, ["mongodb"] = 27017, ["amqp"] = 5672,
        ["amqps"] = 5671, ["nats"] = 4222,
    };

    private static readonly string[] AddressNameSuffixes =
        ["_HOST", "_HOSTNAME", "_ADDR", "_ADDRESS", "_URL", "_URI", "_ENDPOINT", "_SERVER", "_SERVERS", "_BROKERS", "_BOOTSTRAP_SERVERS"];

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$")]
    private static partial Regex DnsName();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"[\s,;""'`()<>\[\]{}|]+")]
    private static partial Regex Separators();

    /// <summary>True when the variable name says its value is an address (REDIS_HOST, CART_SERVICE_ADDR, ...).</summary>
    public static bool NameLooksLikeAddress(string name)
    {
        var upper = name.ToUpperInvariant();
        return AddressNameSuffixes.Any(s => upper.EndsWith(s, StringComparison.Ordinal)) || upper is "HOST" or "ADDR" or "URL" or "ENDPOINT";
    }

    public static bool IsIp(string host) => Ipv4().IsMatch(host) || host.Contains(':');

    public static bool IsDnsName(string host) => host.Length <= 253 && DnsName().IsMatch(host);

    /// <summary>Addresses in a value. A bare host counts only when <paramref name="bareHostAllowed"/>.</summary>
    public static IEnumerable<Address> Find(string value, bool bareHostAllowed)
    {
        if (value.Length == 0 || value.Length > 65536 || !bareHostAllowed && !value.Contains(':', StringComparison.Ordinal))
        {
            yield break;
        }
        var tokens = Separators().Split(value);
        foreach (var raw in tokens)
        {
            if (raw.Length == 0)
            {
                continue;
            }
            // --flag=value and key=value carry the address after the last '='.
            var token = raw;
            var eq = token.LastIndexOf('=');
            if (eq >= 0 && !token.Contains("://", StringComparison.Ordinal))
            {
                token = token[(eq + 1)..];
            }
            if (TryParse(token, bareHostAllowed && tokens.Length == 1, out var address))
            {
                yield return address;
            }
        }
    }

    private static bool TryParse(string token, bool bareHostAllowed, out Address address)
    {
        address = default;
        if (token.Contains("$(", StringComparison.Ordinal) || token.Contains("${", StringComparison.Ordinal) || token.Contains("{{", StringComparison.Ordinal))
        {
            return false;
        }
        var schemeEnd = token.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var scheme = token[..schemeEnd];
            var rest = token[(schemeEnd + 3)..];
            var end = rest.IndexOfAny(['/', '?', '#']);
            var authority = end >= 0 ? rest[..end] : rest;
            var path = end >= 0 ? rest[end..] : "";
            var at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                authority = authority[(at + 1)..];
            }
            if (!SplitHostPort(authority, out var host, out var port))
            {
                return false;
            }
            if (port is null && DefaultPorts.TryGetValue(scheme, out var implied))
            {
                address = new Address(host, implied, true, true, true, path);
                return true;
            }
            address = new Address(host, port, false, true, true, path);
            return true;
        }
        if (token.Contains('/', StringComparison.Ordinal))
        {
            // host:port/path without a scheme, as gRPC and some clients accept.
            token = token[..token.IndexOf('/', StringComparison.Ordinal)];
        }
        if (token.Contains(':', StringComparison.Ordinal))
        {
            if (!SplitHostPort(token, out var host, out var port) || port is null || !host.Any(char.IsAsciiLetter))
            {
                return false;
            }
            address = new Address(host, port, false, true);
            return true;
        }
        if (bareHostAllowed && IsDnsName(token) && token.Any(char.IsAsciiLetter))
        {
            address = new Address(token.TrimEnd('.'), null, false, false);
            return true;
        }
        return false;
    }

    private static bool SplitHostPort(string authority, out string host, out int? port)
    {
        host = authority;
        port = null;
        if (authority.StartsWith('['))
        {
            return false; // IPv6 literal: never an in-cluster name.
        }
        var colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            host = authority[..colon];
            var portText = authority[(colon + 1)..];
            if (portText.Length == 0 || portText.Length > 5 || !portText.All(char.IsAsciiDigit))
            {
                return false;
            }
            var n = int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture);
            if (n is < 1 or > 65535)
            {
                return false;
            }
            port = n;
        }
        host = host.TrimEnd('.');
        return host.Length > 0 && IsDnsName(host);
    }
}
