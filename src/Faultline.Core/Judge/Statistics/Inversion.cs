namespace Faultline.Core.Judge.Statistics;

/// <summary>
/// Turns a family of e-processes, one per candidate value of a parameter, into a confidence interval: the
/// values not rejected. Because the up-side evidence falls and the down-side evidence rises as the candidate
/// grows, each end is found by bisection. Both ends are time-uniform: they hold at every look at once.
/// </summary>
internal static class Inversion
{
    private const int Iterations = 48;

    /// <summary>The smallest candidate in [from, to] whose up-side log e-value is below the threshold.</summary>
    public static double? Lower(Func<double, double> logUp, double threshold, double from, double to)
    {
        if (logUp(from) < threshold)
        {
            return null; // nothing rejected: no lower bound inside the range
        }
        if (logUp(to) >= threshold)
        {
            return to;
        }
        var (a, b) = (from, to);
        for (var i = 0; i < Iterations; i++)
        {
            var mid = 0.5 * (a + b);
            if (logUp(mid) >= threshold)
            {
                a = mid;
            }
            else
            {
                b = mid;
            }
        }
        return b;
    }

    /// <summary>The smallest candidate in [from, to] whose down-side log e-value reaches the threshold.</summary>
    public static double? Upper(Func<double, double> logDown, double threshold, double from, double to)
    {
        if (logDown(to) < threshold)
        {
            return null; // no upper bound inside the range yet
        }
        if (logDown(from) >= threshold)
        {
            return from;
        }
        var (a, b) = (from, to);
        for (var i = 0; i < Iterations; i++)
        {
            var mid = 0.5 * (a + b);
            if (logDown(mid) >= threshold)
            {
                b = mid;
            }
            else
            {
                a = mid;
            }
        }
        return b;
    }
}
