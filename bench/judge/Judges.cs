using Faultline.Core.Judge;

namespace Faultline.Bench.Judge;

internal enum Outcome
{
    Rollback,
    Promote,
    Undecided,
}

/// <summary>What a judge decided in one run, and after how many canary requests.</summary>
internal readonly record struct RunResult(Outcome Outcome, int Samples);

internal interface IJudge
{
    string Name { get; }

    RunResult Run(RunData data, int batch, int looks);
}

/// <summary>Faultline's judge with its default settings and one quality metric, fed per-request samples.</summary>
internal sealed class FaultlineJudge : IJudge
{
    public string Name => "Faultline";

    public RunResult Run(RunData data, int batch, int looks)
    {
        var settings = new JudgeSettings
        {
            Metrics = [.. JudgeSettings.InfrastructureDefaults(), JudgeSettings.DefaultQuality("score", 0)],
        };
        var judge = new CanaryJudge(settings);
        for (var look = 0; look < looks; look++)
        {
            var baseline = new RequestSample[batch];
            var canary = new RequestSample[batch];
            for (var i = 0; i < batch; i++)
            {
                var j = look * batch + i;
                baseline[i] = new RequestSample(data.BaselineLatency[j], data.BaselineError[j] ? 500 : 200, [data.BaselineScore[j]]);
                canary[i] = new RequestSample(data.CanaryLatency[j], data.CanaryError[j] ? 500 : 200, [data.CanaryScore[j]]);
            }
            var verdict = judge.Look(ArmBatch.Of(baseline), ArmBatch.Of(canary), explain: false).Verdict;
            if (verdict == Verdict.Rollback)
            {
                return new RunResult(Outcome.Rollback, (look + 1) * batch);
            }
            if (verdict == Verdict.Promote)
            {
                return new RunResult(Outcome.Promote, (look + 1) * batch);
            }
        }
        return new RunResult(Outcome.Undecided, looks * batch);
    }
}

/// <summary>
/// Kayenta-style: at every look, a Mann-Whitney test per metric on all data so far (latency, error indicator,
/// quality score) at 98% confidence, two-sided as Kayenta's classifier runs it; a significant change in the
/// bad direction rolls back. A run that reaches the end without one is promoted, as Kayenta's final score would.
/// </summary>
internal sealed class KayentaJudge : IJudge
{
    private const double Critical = 2.3263; // two-sided 98%

    public string Name => "Kayenta-style";

    public RunResult Run(RunData data, int batch, int looks)
    {
        var n = looks * batch;
        var latency = new RankSum(data.BaselineLatency.AsSpan(0, n), data.CanaryLatency.AsSpan(0, n));
        var score = new RankSum(data.BaselineScore.AsSpan(0, n), data.CanaryScore.AsSpan(0, n));
        long baselineErrors = 0, canaryErrors = 0;
        for (var look = 0; look < looks; look++)
        {
            for (var i = look * batch; i < (look + 1) * batch; i++)
            {
                latency.AddBaseline(i);
                latency.AddCanary(i);
                score.AddBaseline(i);
                score.AddCanary(i);
                baselineErrors += data.BaselineError[i] ? 1 : 0;
                canaryErrors += data.CanaryError[i] ? 1 : 0;
            }
            var count = (look + 1) * batch;
            if (latency.Z() > Critical || -score.Z() > Critical || BinaryZ(baselineErrors, canaryErrors, count) > Critical)
            {
                return new RunResult(Outcome.Rollback, count);
            }
        }
        return new RunResult(Outcome.Promote, n);
    }

    /// <summary>Mann-Whitney z for 0/1 data (errors), with the tie correction; positive when the canary fails more.</summary>
    private static double BinaryZ(long baselineOnes, long canaryOnes, long n)
    {
        double nb = n, nc = n, total = 2.0 * n;
        var ones = baselineOnes + canaryOnes;
        var zeros = total - ones;
        if (ones == 0 || zeros == 0)
        {
            return 0;
        }
        // U of the canary: pairs where the canary value is larger, ties count a half.
        var u = canaryOnes * (nb - baselineOnes) + 0.5 * (canaryOnes * baselineOnes + (nc - canaryOnes) * (nb - baselineOnes));
        var ties = ((double)ones * ones * ones - ones + zeros * zeros * zeros - zeros) / (total * (total - 1));
        var variance = nb * nc / 12 * (total + 1 - ties);
        return (u - nb * nc / 2) / Math.Sqrt(variance);
    }
}

/// <summary>
/// Incremental Mann-Whitney U over continuous values: the values of the run are ranked once, and Fenwick
/// trees count how many of the other arm lie below each added value.
/// </summary>
internal sealed class RankSum
{
    private readonly int[] _baselineRank;
    private readonly int[] _canaryRank;
    private readonly int[] _baselineTree;
    private readonly int[] _canaryTree;
    private long _nb;
    private long _nc;
    private double _u;

    public RankSum(ReadOnlySpan<double> baseline, ReadOnlySpan<double> canary)
    {
        var all = new (double Value, int Index)[baseline.Length + canary.Length];
        for (var i = 0; i < baseline.Length; i++)
        {
            all[i] = (baseline[i], i);
        }
        for (var i = 0; i < canary.Length; i++)
        {
            all[baseline.Length + i] = (canary[i], -1 - i);
        }
        Array.Sort(all, (a, b) => a.Value.CompareTo(b.Value));
        _baselineRank = new int[baseline.Length];
        _canaryRank = new int[canary.Length];
        for (var r = 0; r < all.Length; r++)
        {
            var idx = all[r].Index;
            if (idx >= 0)
            {
                _baselineRank[idx] = r + 1;
            }
            else
            {
                _canaryRank[-1 - idx] = r + 1;
            }
        }
        _baselineTree = new int[all.Length + 1];
        _canaryTree = new int[all.Length + 1];
    }

    public void AddBaseline(int i)
    {
        var rank = _baselineRank[i];
        _u += _nc - Prefix(_canaryTree, rank); // canary values above this baseline value
        Increment(_baselineTree, rank);
        _nb++;
    }

    public void AddCanary(int i)
    {
        var rank = _canaryRank[i];
        _u += Prefix(_baselineTree, rank); // baseline values below this canary value
        Increment(_canaryTree, rank);
        _nc++;
    }

    /// <summary>Normal approximation of U; positive when canary values tend to be larger.</summary>
    public double Z()
    {
        var mean = _nb * _nc / 2.0;
        var sd = Math.Sqrt(_nb * _nc * (_nb + _nc + 1) / 12.0);
        return sd == 0 ? 0 : (_u - mean) / sd;
    }

    private static int Prefix(int[] tree, int i)
    {
        var sum = 0;
        for (; i > 0; i -= i & -i)
        {
            sum += tree[i];
        }
        return sum;
    }

    private static void Increment(int[] tree, int i)
    {
        for (; i < tree.Length; i += i & -i)
        {
            tree[i]++;
        }
    }
}

/// <summary>
/// Flagger-style: at every look, the canary's p99 latency and success rate over the last interval (the last
/// batch) against fixed thresholds; one failed check rolls back (threshold: 1). A run that passes every
/// check is promoted at the end. Flagger has no quality check and no baseline comparison.
/// </summary>
internal sealed class FlaggerJudge(double minSuccessRate, double maxP99Ms) : IJudge
{
    public string Name => $"Flagger-style (success >= {minSuccessRate * 100:0.#}%, p99 <= {maxP99Ms:0} ms)";

    public RunResult Run(RunData data, int batch, int looks)
    {
        var window = new double[batch];
        for (var look = 0; look < looks; look++)
        {
            var failures = 0;
            for (var i = 0; i < batch; i++)
            {
                var j = look * batch + i;
                window[i] = data.CanaryLatency[j];
                failures += data.CanaryError[j] ? 1 : 0;
            }
            Array.Sort(window);
            var p99 = window[(int)Math.Ceiling(0.99 * batch) - 1];
            var success = 1 - (double)failures / batch;
            if (p99 > maxP99Ms || success < minSuccessRate)
            {
                return new RunResult(Outcome.Rollback, (look + 1) * batch);
            }
        }
        return new RunResult(Outcome.Promote, looks * batch);
    }
}
