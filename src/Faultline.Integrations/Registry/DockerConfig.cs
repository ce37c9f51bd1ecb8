using System.Text;
using System.Text.Json;

namespace Faultline.Integrations.Registry;

/// <summary>A user name and password (or token) for one registry.</summary>
public sealed record RegistryCredentials(string Username, string Password);

/// <summary>
/// Credentials from a docker config.json (`auths.HOST.auth`, base64 of user:password, or `username` and
/// `password`). Credential helpers (credsStore, credHelpers) are not run.
/// </summary>
public static class DockerConfig
{
    /// <summary>--docker-config, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dir
            ? Path.Combine(dir, "config.json")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json");

    /// <summary>The credentials for a registry host (host or host:port); null when the file has none for it.</summary>
    public static RegistryCredentials? Find(string json, string host)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var entry in auths.EnumerateObject())
        {
            if (!string.Equals(HostOf(entry.Name), host, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var value = entry.Value;
            if (value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
                }
            }
            if (value.TryGetProperty("username", out var user) && value.TryGetProperty("password", out var password))
            {
                return new RegistryCredentials(user.GetString() ?? "", password.GetString() ?? "");
            }
        }
        return null;
    }

    /// <summary>The host[:port] of an auths key, which may be a bare host or a URL such as https://index.docker.io/v1/.</summary>
    internal static string HostOf(string key)
    {
        var rest = key.Contains("://", StringComparison.Ordinal) ? key[(key.IndexOf("://", StringComparison.Ordinal) + 3)..] : key;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? rest[..slash] : rest;
    }
}
