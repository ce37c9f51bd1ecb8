using System.Text;
using Faultline.Core.Canary;

namespace Faultline.Router;

/// <summary>
/// Decides which version serves a request. Every request gets a bucket from 0 to 9,999 (random, from the
/// sticky cookie, or a hash of the sticky header) and goes to the canary when the bucket is below weight x 100.
/// Because the bucket, not the version, is what sticks, a user on the canary stays there as the weight grows,
/// and everyone returns to stable when it drops to 0.
/// </summary>
public sealed class TrafficSplit(StickySpec sticky, string overrideHeader)
{
    public const int Buckets = 10_000;

    private volatile int _canaryWeight;

    public StickySpec Sticky => sticky;

    public string OverrideHeader => overrideHeader;

    /// <summary>The canary's share of traffic in percent, 0 to 100; takes effect for the next request.</summary>
    public int CanaryWeight
    {
        get => _canaryWeight;
        set => _canaryWeight = value is >= 0 and <= 100 ? value : throw new ArgumentOutOfRangeException(nameof(value), "the canary weight is a percentage from 0 to 100");
    }

    /// <summary>
    /// The version for a request, and the sticky cookie to set (null when none is needed), from the request's
    /// override header, its sticky header value and its sticky cookie (each null when absent or not in use).
    /// </summary>
    public (TrafficVersion Version, string? SetCookie) Choose(string? forced, string? stickyKey, string? stickyCookie)
    {
        switch (forced?.Trim())
        {
            case { } v when v.Equals("canary", StringComparison.OrdinalIgnoreCase):
                return (TrafficVersion.Canary, null);
            case { } v when v.Equals("stable", StringComparison.OrdinalIgnoreCase):
                return (TrafficVersion.Stable, null);
        }
        int bucket;
        string? setCookie = null;
        switch (sticky.Kind)
        {
            case "cookie":
                if (int.TryParse(stickyCookie, out var b) && b is >= 0 and < Buckets)
                {
                    bucket = b;
                }
                else
                {
                    bucket = Random.Shared.Next(Buckets);
                    setCookie = bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                break;
            case "header" when stickyKey is { Length: > 0 }:
                bucket = (int)(Fnv1a(stickyKey) % Buckets);
                break;
            default:
                bucket = Random.Shared.Next(Buckets);
                break;
        }
        return (bucket < _canaryWeight * (Buckets / 100) ? TrafficVersion.Canary : TrafficVersion.Stable, setCookie);
    }

    /// <summary>FNV-1a over the UTF-8 bytes: stable across processes and restarts, unlike string.GetHashCode.</summary>
    internal static uint Fnv1a(string value)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }
}
