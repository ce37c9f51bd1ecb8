namespace Faultline.Bench.Judge;

/// <summary>
/// One kind of canary, as a change to the baseline's generator. The baseline: latency log-normal with a median
/// of 100 ms and a log-scale spread of 0.5 (p99 about 320 ms), 0.5% of requests fail with a 500, and each
/// request carries a quality score from a Beta distribution with mean 0.8 and standard deviation 0.15.
/// </summary>
internal sealed record Scenario(string Name, string Key)
{
    public double LatencyFactor { get; init; } = 1;

    /// <summary>Share of canary requests that are made slower by <see cref="TailFactor"/>.</summary>
    public double TailShare { get; init; }

    public double TailFactor { get; init; } = 1;

    public double BaselineErrorRate { get; init; } = 0.005;

    public double CanaryErrorRate { get; init; } = 0.005;

    public double CanaryScoreMean { get; init; } = 0.8;

    /// <summary>True when the canary is worse than every default tolerance, so a rollback is the right answer.</summary>
    public bool IsRegression { get; init; }

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("A/A (identical versions)", "aa"),
        new("latency +20%", "lat20") { LatencyFactor = 1.2, IsRegression = true },
        new("latency +10%", "lat10") { LatencyFactor = 1.1, IsRegression = true },
        new("tail: 3% of requests 3x slower", "tail") { TailShare = 0.03, TailFactor = 3, IsRegression = true },
        new("errors 0.5% -> 1.5%", "err15") { CanaryErrorRate = 0.015, IsRegression = true },
        new("errors 0.1% -> 0.2%", "err02") { BaselineErrorRate = 0.001, CanaryErrorRate = 0.002 },
        new("quality score mean -0.05", "quality") { CanaryScoreMean = 0.75, IsRegression = true },
        new("improvement: latency -20%, errors 0.5% -> 0.1%", "better") { LatencyFactor = 0.8, CanaryErrorRate = 0.001 },
    ];
}

/// <summary>The generated requests of one run: arrays per arm, all drawn from one seeded generator.</summary>
internal sealed class RunData
{
    public const double MedianMs = 100;
    public const double DefaultSigma = 0.5;
    public const double ScoreMean = 0.8;
    public const double ScoreSd = 0.15;

    public required double[] BaselineLatency { get; init; }
    public required bool[] BaselineError { get; init; }
    public required double[] BaselineScore { get; init; }
    public required double[] CanaryLatency { get; init; }
    public required bool[] CanaryError { get; init; }
    public required double[] CanaryScore { get; init; }

    public static RunData Generate(Scenario s, int samples, int seed, double sigma = DefaultSigma)
    {
        var random = new Random(seed);
        var (ba, bb) = BetaParameters(ScoreMean);
        var (ca, cb) = BetaParameters(s.CanaryScoreMean);
        var data = new RunData
        {
            BaselineLatency = new double[samples],
            BaselineError = new bool[samples],
            BaselineScore = new double[samples],
            CanaryLatency = new double[samples],
            CanaryError = new bool[samples],
            CanaryScore = new double[samples],
        };
        // Interleaved draws, so a scenario changes the canary without changing the baseline's stream shape.
        for (var i = 0; i < samples; i++)
        {
            data.BaselineLatency[i] = MedianMs * Math.Exp(sigma * Normal(random));
            data.BaselineError[i] = random.NextDouble() < s.BaselineErrorRate;
            data.BaselineScore[i] = Beta(random, ba, bb);
            var slow = random.NextDouble() < s.TailShare ? s.TailFactor : 1;
            data.CanaryLatency[i] = MedianMs * s.LatencyFactor * slow * Math.Exp(sigma * Normal(random));
            data.CanaryError[i] = random.NextDouble() < s.CanaryErrorRate;
            data.CanaryScore[i] = Beta(random, ca, cb);
        }
        return data;
    }

    /// <summary>Beta parameters with the given mean and the concentration that gives sd 0.15 at mean 0.8.</summary>
    private static (double A, double B) BetaParameters(double mean)
    {
        var concentration = ScoreMean * (1 - ScoreMean) / (ScoreSd * ScoreSd) - 1;
        return (mean * concentration, (1 - mean) * concentration);
    }

    private static double Normal(Random r)
    {
        // Box-Muller; one of the pair is discarded to keep the stream simple.
        var u1 = 1 - r.NextDouble();
        var u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Beta(Random r, double a, double b)
    {
        var x = Gamma(r, a);
        var y = Gamma(r, b);
        return x / (x + y);
    }

    /// <summary>Marsaglia and Tsang's method; for shape below 1, boosted by U^(1/shape).</summary>
    private static double Gamma(Random r, double shape)
    {
        if (shape < 1)
        {
            return Gamma(r, shape + 1) * Math.Pow(1 - r.NextDouble(), 1 / shape);
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(r);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1 - r.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}
