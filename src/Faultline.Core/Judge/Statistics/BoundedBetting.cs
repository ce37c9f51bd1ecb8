namespace Faultline.Core.Judge.Statistics;

/// <summary>
/// Testing the mean of observations known to lie in [lo, hi] by betting (Waudby-Smith and Ramdas, "Estimating
/// means of bounded random variables by betting", JRSS-B 2024). To test "mean &lt;= m", a gambler starts with
/// 1 and stakes a fixed fraction c of what the rules allow on each observation, winning in proportion to
/// (y - m); the wealth 1 + c (y - m) / (m - lo) per step is a nonnegative supermartingale when the mean is at
/// most m, and can never go negative because y &gt;= lo. Averaging the wealth of gamblers with different
/// fractions is their "diversified Kelly" strategy: it needs no variance estimate yet adapts to it, which
/// matters for rare events (an error rate of 0.5% has a tiny variance inside a range of 2).
/// </summary>
internal static class BoundedBetting
{
    /// <summary>Fractions of the largest allowed stake, one per gambler.</summary>
    public static readonly MixtureGrid Grid = MixtureGrid.Geometric(0.005, 0.9, 12);

    /// <summary>ln of the wealth factor of an up-side gambler (betting the mean exceeds m) on observation y.</summary>
    public static double UpLogFactor(double fraction, double y, double m, double lo) => Math.Log(1 + fraction * (y - m) / (m - lo));

    /// <summary>ln of the wealth factor of a down-side gambler (betting the mean is below m) on observation y.</summary>
    public static double DownLogFactor(double fraction, double y, double m, double hi) => Math.Log(1 + fraction * (m - y) / (hi - m));

    public static void Add(MixtureLog log, double y, double m, double lo, double hi)
    {
        var grid = log.Grid;
        for (var k = 0; k < grid.Count; k++)
        {
            log.Up[k] += UpLogFactor(grid.Points[k], y, m, lo);
            log.Down[k] += DownLogFactor(grid.Points[k], y, m, hi);
        }
    }
}
