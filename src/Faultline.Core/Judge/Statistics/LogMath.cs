namespace Faultline.Core.Judge.Statistics;

/// <summary>Log-space arithmetic: the e-processes multiply thousands of likelihood ratios, so they add logs.</summary>
internal static class LogMath
{
    private const int TableSize = 1024;
    private static readonly double[] LogFactorials = BuildTable();

    private static double[] BuildTable()
    {
        var table = new double[TableSize];
        for (var i = 1; i < TableSize; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }
        return table;
    }

    /// <summary>ln(n!): a table below 1024, Stirling's series above (error below 1e-16 relative there).</summary>
    public static double LogFactorial(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n < TableSize)
        {
            return LogFactorials[n];
        }
        double x = n;
        var inv = 1.0 / x;
        var inv2 = inv * inv;
        return x * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI * x) + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
    }

    /// <summary>ln C(n, k); negative infinity outside 0..n.</summary>
    public static double LogChoose(long n, long k) =>
        k < 0 || k > n ? double.NegativeInfinity : LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (v > max)
            {
                max = v;
            }
        }
        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max))
        {
            return max;
        }
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += Math.Exp(v - max);
        }
        return max + Math.Log(sum);
    }

    /// <summary>ln Σ exp(a_i + b_i): the log of a mixture with log-weights a and log-values b.</summary>
    public static double LogSumExp(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < a.Length; i++)
        {
            var v = a[i] + b[i];
            if (v > max)
            {
                max = v;
            }
        }
        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max))
        {
            return max;
        }
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Exp(a[i] + b[i] - max);
        }
        return max + Math.Log(sum);
    }

    /// <summary>ln of the hypergeometric probability of k marked items in a draw of n from N holding K marked.</summary>
    public static double LogHypergeometric(long population, long marked, long draws, long k) =>
        LogChoose(marked, k) + LogChoose(population - marked, draws - k) - LogChoose(population, draws);
}
