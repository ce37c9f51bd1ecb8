using Faultline.Core.Judge;

namespace Faultline.Core.Tests.Judge;

/// <summary>Seeded synthetic requests: log-normal latency (median 100 ms, sigma 0.5), errors, one score.</summary>
internal sealed record Traffic
{
    public double LatencyFactor { get; init; } = 1;

    public double ErrorRate { get; init; } = 0.005;

    public double ScoreMean { get; init; } = 0.8;

    public RequestSample[] Generate(Random random, int count)
    {
        var result = new RequestSample[count];
        for (var i = 0; i < count; i++)
        {
            var latency = 100 * LatencyFactor * Math.Exp(0.5 * Normal(random));
            var status = random.NextDouble() < ErrorRate ? 500 : 200;
            var score = Math.Clamp(ScoreMean + 0.1 * Normal(random), 0, 1);
            result[i] = new RequestSample(latency, status, [score]);
        }
        return result;
    }

    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static JudgeSettings Settings(double alpha = 0.05, long minSamples = 1000, params MetricDefinition[] metrics) => new()
    {
        Alpha = alpha,
        MinSamples = minSamples,
        Metrics = metrics.Length > 0 ? metrics : [.. JudgeSettings.InfrastructureDefaults(), JudgeSettings.DefaultQuality("score", 0)],
    };

    /// <summary>Runs one canary: looks of <paramref name="batch"/> per side until a decision or <paramref name="looks"/> looks.</summary>
    public static (Verdict Verdict, int Samples) Run(JudgeSettings settings, Traffic baseline, Traffic canary, int seed, int batch, int looks)
    {
        var random = new Random(seed);
        var b = baseline.Generate(random, batch * looks);
        var c = canary.Generate(random, batch * looks);
        return Replay(settings, b, c, batch);
    }

    public static (Verdict Verdict, int Samples) Replay(JudgeSettings settings, RequestSample[] baseline, RequestSample[] canary, int batch)
    {
        var judge = new CanaryJudge(settings);
        var verdict = Verdict.Continue;
        var n = 0;
        for (var start = 0; start < baseline.Length; start += batch)
        {
            n = Math.Min(baseline.Length, start + batch);
            verdict = judge.Look(ArmBatch.Of(baseline[start..n]), ArmBatch.Of(canary[start..n]), explain: false).Verdict;
            if (verdict is Verdict.Rollback or Verdict.Promote)
            {
                break;
            }
        }
        return (verdict, n);
    }
}
