namespace Faultline.Core.Judge.Statistics;

/// <summary>
/// One look's 2x2 table: how many of each arm's observations had the event (a request slower than a threshold).
/// </summary>
internal readonly record struct EventTable(long Canary, long CanaryEvents, long Baseline, long BaselineEvents);

/// <summary>
/// A conditional sequential test that the canary's event odds are no higher (up) or no lower (down) than the
/// baseline's. Given a look's total number of events, the canary's share of them follows Fisher's noncentral
/// hypergeometric law with the odds ratio psi as its only parameter (the nuisance event rate drops out), so
/// the likelihood ratio of psi against psi = 1 is exact for any look size and any traffic split. It is the
/// same idea as conditioning Poisson counts on their total (Lindon and Malek, "Anytime-valid inference for
/// multinomial count data", NeurIPS 2022), made exact for fixed look sizes.
/// </summary>
/// <remarks>
/// Why it is a supermartingale: under psi_true &lt;= 1 the family has a monotone likelihood ratio in the canary
/// count, so the conditional expectation of the ratio for any psi &gt; 1 is at most 1 (and the mirror image
/// holds for the down side). A mixture over a grid of psi keeps that, and Ville's inequality then bounds the
/// chance that the e-value ever reaches 1/alpha by alpha, however often it is looked at.
/// </remarks>
internal static class OddsRatioEProcess
{
    /// <summary>Magnitudes of ln(psi) mixed over: from a 2% change in the odds to a 20-fold one.</summary>
    public static readonly MixtureGrid Grid = MixtureGrid.Geometric(0.02, 3.0, 12);

    /// <summary>Multiplies the up-side components by the table's likelihood ratios.</summary>
    public static void AddUp(MixtureLog log, EventTable table, ref double[] buffer) => Add(log.Grid, log.Up, table, +1, ref buffer);

    public static void AddDown(MixtureLog log, EventTable table, ref double[] buffer) => Add(log.Grid, log.Down, table, -1, ref buffer);

    private static void Add(MixtureGrid grid, double[] running, EventTable t, int sign, ref double[] buffer)
    {
        var events = t.CanaryEvents + t.BaselineEvents;
        var total = t.Canary + t.Baseline;
        if (events == 0 || events == total)
        {
            return; // the canary's share is fixed by the margins: no information
        }
        var jLow = Math.Max(0, events - t.Baseline);
        var jHigh = Math.Min(t.Canary, events);
        if (jLow == jHigh)
        {
            return;
        }
        var length = (int)(jHigh - jLow + 1);
        if (buffer.Length < length)
        {
            buffer = new double[Math.Max(length, buffer.Length * 2)];
        }
        // ln C(nc, j) + ln C(nb, e - j) by recurrence from j = jLow.
        buffer[0] = LogMath.LogChoose(t.Canary, jLow) + LogMath.LogChoose(t.Baseline, events - jLow);
        for (var i = 1; i < length; i++)
        {
            var j = jLow + i - 1;
            buffer[i] = buffer[i - 1]
                + Math.Log((double)(t.Canary - j) / (j + 1))
                + Math.Log((double)(events - j) / (t.Baseline - events + j + 1));
        }
        var logZ1 = LogMath.LogChoose(total, events);
        var x = t.CanaryEvents - jLow;
        for (var k = 0; k < grid.Count; k++)
        {
            var g = sign * grid.Points[k];
            // ln C(nc, j) C(nb, e - j) + j ln psi is concave in j (the law is log-concave), so its peak is where
            // the step to the next j turns negative: found by bisection. Terms more than 50 below the peak add
            // less than 1e-17 of the sum, so only the window around the peak is summed: about the square root
            // of the look's size instead of all of it.
            int lo = 0, hi = length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (buffer[mid + 1] - buffer[mid] + g < 0)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }
            var peak = lo;
            var max = buffer[peak] + peak * g;
            var sum = 1.0;
            for (var i = peak - 1; i >= 0; i--)
            {
                var v = buffer[i] + i * g - max;
                if (v < -50)
                {
                    break;
                }
                sum += Math.Exp(v);
            }
            for (var i = peak + 1; i < length; i++)
            {
                var v = buffer[i] + i * g - max;
                if (v < -50)
                {
                    break;
                }
                sum += Math.Exp(v);
            }
            // ln psi^x / Z(psi) * Z(1), with the common factor psi^jLow cancelled.
            running[k] += x * g - (max + Math.Log(sum)) + logZ1;
        }
    }
}
