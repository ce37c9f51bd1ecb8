namespace Faultline.Core.Judge.Metrics;

/// <summary>
/// One arm's latencies in one look: the exact values (sorted), or a histogram. Counting "slower than v" on a
/// histogram can only use its bucket bounds, so the caller says which way to round: towards fewer events
/// (up) or more (down), whichever keeps its test valid.
/// </summary>
internal sealed class LatencySet
{
    private readonly double[]? _sorted;
    private readonly LatencyHistogram? _histogram;

    private LatencySet(double[]? sorted, LatencyHistogram? histogram)
    {
        _sorted = sorted;
        _histogram = histogram;
        Count = sorted?.Length ?? histogram!.Total;
    }

    public long Count { get; }

    public double[]? Values => _sorted;

    public LatencyHistogram? Histogram => _histogram;

    public static LatencySet? From(ArmBatch batch)
    {
        if (batch.Aggregate is { } aggregate)
        {
            return aggregate.Latency is { Total: > 0 } h ? new LatencySet(null, h) : null;
        }
        if (batch.Requests.Count == 0)
        {
            return null;
        }
        var values = new double[batch.Requests.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = batch.Requests[i].LatencyMs;
        }
        Array.Sort(values);
        return new LatencySet(values, null);
    }

    /// <summary>How many observations exceed v. On a histogram, v moves to the next bound up or down.</summary>
    public long CountAbove(double v)
    {
        if (_sorted is { } s)
        {
            return s.Length - UpperBound(s, s.Length, v);
        }
        // A histogram is read as Prometheus' histogram_quantile reads it: observations spread evenly within a
        // bucket (from 0 for the first). Rounding to bucket edges instead would make any tolerance finer than a
        // bucket impossible to show in either direction.
        var h = _histogram!;
        var bounds = h.UpperBounds;
        for (var i = 0; i < bounds.Count; i++)
        {
            if (bounds[i] < v)
            {
                continue;
            }
            var belowBucket = i == 0 ? 0 : h.CumulativeCounts[i - 1];
            if (double.IsPositiveInfinity(bounds[i]))
            {
                return h.Total - belowBucket;
            }
            var lower = i == 0 ? Math.Min(0, bounds[0]) : bounds[i - 1];
            var share = bounds[i] > lower ? (v - lower) / (bounds[i] - lower) : 1;
            var below = belowBucket + ((h.CumulativeCounts[i] - belowBucket) * Math.Clamp(share, 0, 1));
            return h.Total - (long)Math.Round(below);
        }
        return 0;
    }

    /// <summary>Index of the first element greater than v in the sorted prefix of length n.</summary>
    public static int UpperBound(double[] sorted, int n, double v)
    {
        int lo = 0, hi = n;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}

/// <summary>
/// The latency history of both arms, shared by the latency metrics: every look's sets (for intervals, which
/// re-run the tests at other scale factors) and the baseline's running distribution, whose quantiles are the
/// thresholds of the next look.
/// </summary>
internal sealed class LatencyStore
{
    private double[] _baselineSorted = new double[1024];
    private int _baselineCount;
    private IReadOnlyList<double>? _bounds;
    private long[]? _baselineCumulative;

    public List<LatencySet?> Canary { get; } = [];

    public List<LatencySet?> Baseline { get; } = [];

    /// <summary>The look being judged, not yet part of the history (its thresholds come from earlier looks).</summary>
    public LatencySet? PendingBaseline { get; private set; }

    public LatencySet? PendingCanary { get; private set; }

    /// <summary>Index the pending look will have in <see cref="Canary"/> and <see cref="Baseline"/>.</summary>
    public int PendingIndex => Baseline.Count;

    public long BaselineTotal { get; private set; }

    public long CanaryTotal { get; private set; }

    public void Begin(ArmBatch baseline, ArmBatch canary)
    {
        var b = LatencySet.From(baseline);
        Validate(b);
        PendingBaseline = b;
        PendingCanary = LatencySet.From(canary);
    }

    public void Commit()
    {
        Append(PendingBaseline, PendingCanary);
        BaselineTotal += PendingBaseline?.Count ?? 0;
        CanaryTotal += PendingCanary?.Count ?? 0;
        PendingBaseline = null;
        PendingCanary = null;
    }

    /// <summary>Throws when an arm switches between samples and histograms, or its histogram bounds change.</summary>
    private void Validate(LatencySet? baseline)
    {
        if (baseline is null)
        {
            return;
        }
        var exact = baseline.Values is not null;
        if (exact && _bounds is not null || !exact && _baselineCount > 0)
        {
            throw new ArgumentException("the baseline's latency switched between per-request samples and histograms");
        }
        if (!exact && _bounds is not null && !_bounds.SequenceEqual(baseline.Histogram!.UpperBounds))
        {
            throw new ArgumentException("the baseline's latency histogram changed its bucket bounds");
        }
    }

    /// <summary>
    /// The baseline's q-quantile so far (nearest rank), or on histograms the smallest bound holding at least
    /// a share q; null until the baseline has enough observations for it.
    /// </summary>
    public double? Threshold(double q)
    {
        if (_baselineCumulative is { } cum)
        {
            var total = cum[^1];
            if (total < MinimumCount(q))
            {
                return null;
            }
            for (var i = 0; i < cum.Length; i++)
            {
                if (cum[i] >= q * total)
                {
                    return double.IsPositiveInfinity(_bounds![i]) ? null : _bounds[i];
                }
            }
            return null;
        }
        if (_baselineCount < MinimumCount(q))
        {
            return null;
        }
        return _baselineSorted[NearestRank(q, _baselineCount)];
    }

    private static long MinimumCount(double q) => (long)Math.Ceiling(1 / (1 - q));

    private static int NearestRank(double q, long n) => (int)Math.Clamp((long)Math.Ceiling(q * n) - 1, 0, n - 1);

    private void Append(LatencySet? baseline, LatencySet? canary)
    {
        Baseline.Add(baseline);
        Canary.Add(canary);
        if (baseline?.Values is { } values)
        {
            Merge(values);
        }
        else if (baseline?.Histogram is { } h)
        {
            _bounds ??= h.UpperBounds;
            _baselineCumulative ??= new long[h.UpperBounds.Count];
            for (var i = 0; i < _baselineCumulative.Length; i++)
            {
                _baselineCumulative[i] += h.CumulativeCounts[i];
            }
        }
    }

    /// <summary>Merges a sorted look into the sorted baseline, from the back, in place.</summary>
    private void Merge(double[] values)
    {
        var needed = _baselineCount + values.Length;
        if (needed > _baselineSorted.Length)
        {
            Array.Resize(ref _baselineSorted, Math.Max(needed, _baselineSorted.Length * 2));
        }
        int i = _baselineCount - 1, j = values.Length - 1, k = needed - 1;
        while (j >= 0)
        {
            _baselineSorted[k--] = i >= 0 && _baselineSorted[i] > values[j] ? _baselineSorted[i--] : values[j--];
        }
        _baselineCount = needed;
    }

    /// <summary>The q-quantile of all of one arm's latencies: nearest rank, or interpolated within a bucket.</summary>
    public static double? Quantile(IEnumerable<LatencySet?> looks, double q)
    {
        var sets = looks.OfType<LatencySet>().ToList();
        if (sets.Count == 0)
        {
            return null;
        }
        if (sets.All(s => s.Values is not null))
        {
            var all = sets.SelectMany(s => s.Values!).ToArray();
            Array.Sort(all);
            return all[NearestRank(q, all.Length)];
        }
        var first = sets.FirstOrDefault(s => s.Histogram is not null)?.Histogram;
        if (first is null || sets.Any(s => s.Histogram is null || !s.Histogram.SameBounds(first)))
        {
            return null;
        }
        var bounds = first.UpperBounds;
        var cum = new long[bounds.Count];
        foreach (var s in sets)
        {
            for (var i = 0; i < cum.Length; i++)
            {
                cum[i] += s.Histogram!.CumulativeCounts[i];
            }
        }
        var rank = q * cum[^1];
        for (var i = 0; i < cum.Length; i++)
        {
            if (cum[i] >= rank)
            {
                if (double.IsPositiveInfinity(bounds[i]))
                {
                    return i > 0 ? bounds[i - 1] : null;
                }
                var lowerBound = i == 0 ? 0 : bounds[i - 1];
                var below = i == 0 ? 0 : cum[i - 1];
                var inBucket = cum[i] - below;
                return inBucket == 0 ? bounds[i] : lowerBound + (bounds[i] - lowerBound) * (rank - below) / inBucket;
            }
        }
        return null;
    }
}
