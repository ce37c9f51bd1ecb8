using System.Diagnostics;

namespace Faultline.Router;

/// <summary>
/// The upstream URLs of one version, used round robin. An upstream that refuses a connection is skipped for
/// <see cref="SkipFor"/> (passive health: no probes, the traffic is the probe); when every upstream is skipped,
/// all are tried again rather than none.
/// </summary>
public sealed class UpstreamPool
{
    public static readonly TimeSpan SkipFor = TimeSpan.FromSeconds(5);

    private readonly Uri[] _upstreams;
    private readonly long[] _skipUntil;
    private long _next;

    public UpstreamPool(IReadOnlyList<Uri> upstreams)
    {
        if (upstreams.Count == 0)
        {
            throw new ArgumentException("a version needs at least one upstream", nameof(upstreams));
        }
        _upstreams = [.. upstreams];
        _skipUntil = new long[upstreams.Count];
    }

    public int Count => _upstreams.Length;

    public Uri this[int index] => _upstreams[index];

    /// <summary>The next upstream to use, other than <paramref name="except"/> when there is another (-1 for none).</summary>
    public int Next(int except = -1)
    {
        if (_upstreams.Length == 1)
        {
            return 0;
        }
        var start = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)_upstreams.Length);
        var now = Stopwatch.GetTimestamp();
        var fallback = -1;
        for (var i = 0; i < _upstreams.Length; i++)
        {
            var candidate = (start + i) % _upstreams.Length;
            if (candidate == except)
            {
                continue;
            }
            if (Volatile.Read(ref _skipUntil[candidate]) <= now)
            {
                return candidate;
            }
            fallback = fallback < 0 ? candidate : fallback;
        }
        return fallback >= 0 ? fallback : start;
    }

    /// <summary>Skips the upstream for a while after it refused a connection.</summary>
    public void Refused(int index) =>
        Volatile.Write(ref _skipUntil[index], Stopwatch.GetTimestamp() + (long)(SkipFor.TotalSeconds * Stopwatch.Frequency));

    public bool Skipped(int index) => Volatile.Read(ref _skipUntil[index]) > Stopwatch.GetTimestamp();
}
