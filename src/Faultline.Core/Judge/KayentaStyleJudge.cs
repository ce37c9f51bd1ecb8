using System.Globalization;
using Faultline.Core.Judge.Statistics;

namespace Faultline.Core.Judge;

/// <summary>Which change of a metric is a failure, as Kayenta's <c>analysisConfigurations.canary.direction</c> says.</summary>
public enum KayentaDirection
{
    /// <summary>Only a rise fails (latency, errors).</summary>
    Increase,

    /// <summary>Only a fall fails (success rate, throughput).</summary>
    Decrease,

    /// <summary>Any significant change fails.</summary>
    Either,
}

/// <summary>
/// One metric of a Kayenta canary config. <paramref name="AllowedIncrease"/> and <paramref name="AllowedDecrease"/>
/// are ratios of experiment to control (Kayenta's <c>effectSize</c>: 1.1 tolerates a 10% rise, 0.9 a 10% fall);
/// <paramref name="ReplaceNaN"/> is <c>nanStrategy: replace</c> (missing points count as 0) instead of remove.
/// </summary>
public sealed record KayentaMetricConfig(
    string Name,
    IReadOnlyList<string> Groups,
    KayentaDirection Direction = KayentaDirection.Either,
    bool Critical = false,
    bool MustHaveData = false,
    bool ReplaceNaN = false,
    double AllowedIncrease = 1.0,
    double AllowedDecrease = 1.0);

/// <summary>One entry of Kayenta's <c>metricSetPairList</c>: a metric's control and experiment values (NaN for gaps).</summary>
public sealed record KayentaMetricPair(
    string Name,
    string Id,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<double> Control,
    IReadOnlyList<double> Experiment);

/// <summary>A remote-judge request: the metric configs, group weights, score thresholds and the values.</summary>
public sealed record KayentaJudgeRequest(
    IReadOnlyList<KayentaMetricConfig> Metrics,
    IReadOnlyDictionary<string, double> GroupWeights,
    double PassThreshold,
    double MarginalThreshold,
    IReadOnlyList<KayentaMetricPair> Pairs,
    double Alpha = KayentaStyleJudge.DefaultAlpha);

/// <summary>Count, mean, median, quantiles, min and max of one side's values after the NaN strategy.</summary>
public sealed record KayentaStats(int Count, double? Mean, double? Median, double? P10, double? P90, double? Min, double? Max);

/// <summary>One metric's classification (High, Low, Pass, Nodata, NodataFailMetric) and what it rests on.</summary>
public sealed record KayentaMetricResult(
    string Name,
    string Id,
    IReadOnlyDictionary<string, string> Tags,
    string Classification,
    string Reason,
    IReadOnlyList<string> Groups,
    bool Critical,
    KayentaStats Control,
    KayentaStats Experiment,
    double? MeanRatio,
    double? MedianRatio,
    double? TailRatio,
    double HighEvidence,
    double LowEvidence,
    double EvidenceThreshold,
    KayentaDirection Direction);

/// <summary>A group's score: the share of its judged metrics that passed, 0..100; null when none had data.</summary>
public sealed record KayentaGroupScore(string Name, double? Score, string Classification);

/// <summary>The overall score 0..100 and its classification (Pass, Marginal, Fail).</summary>
public sealed record KayentaScore(double Score, string Classification, string Reason);

public sealed record KayentaJudgeResult(string JudgeName, IReadOnlyList<KayentaMetricResult> Results, IReadOnlyList<KayentaGroupScore> GroupScores, KayentaScore Score);

/// <summary>
/// Faultline's statistics behind Kayenta's remote-judge contract: each metric's control and experiment values
/// are compared as two samples, then scored by groups as Kayenta scores them.
/// </summary>
/// <remarks>
/// Per metric, the experiment values are first divided by the allowed ratio (so a rise within
/// <c>allowedIncrease</c> is no rise), then two quantile tests ask whether they are stochastically above the
/// control: at the pooled median (a shift of the whole series) and at the pooled 90th percentile (a rise of
/// the tail or the spread that leaves the centre alone, which a test of the centre misses). Each is the
/// exact conditional test the rollout judge uses for latency (<see cref="OddsRatioEProcess"/>): given how many
/// values of both sides lie above the pooled quantile, the experiment's share of them follows Fisher's
/// noncentral hypergeometric law, so the evidence is exact for any sample sizes, ties and skew, without
/// assuming normal values. The fall is tested in the mirror image (median and 10th percentile). Each
/// direction's two tests share its alpha (Bonferroni), so a metric is High or Low with at most alpha chance
/// when it did not move beyond its tolerance.
/// Scoring follows Kayenta: a group's score is the share of Pass among its metrics classified High, Low or
/// Pass; the overall score is the groups' scores weighted by <c>groupWeights</c> (groups without a weight
/// share what is left of 100); a critical metric that does not pass makes the score 0.
/// </remarks>
public static class KayentaStyleJudge
{
    public const string JudgeName = "faultline-v1";
    public const double DefaultAlpha = 0.05;
    public const double CentreQuantile = 0.5;
    public const double TailQuantile = 0.9;

    public static KayentaJudgeResult Judge(KayentaJudgeRequest request)
    {
        var configs = request.Metrics.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var results = new List<KayentaMetricResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in request.Pairs)
        {
            var config = configs.GetValueOrDefault(pair.Name) ?? new KayentaMetricConfig(pair.Name, []);
            seen.Add(pair.Name);
            results.Add(Classify(pair, config, request.Alpha));
        }
        foreach (var config in request.Metrics.Where(m => !seen.Contains(m.Name)))
        {
            results.Add(Classify(new KayentaMetricPair(config.Name, config.Name, new Dictionary<string, string>(), [], []), config, request.Alpha));
        }
        var groups = GroupScores(results, request.PassThreshold, request.MarginalThreshold);
        return new KayentaJudgeResult(JudgeName, results, groups, Overall(results, groups, request));
    }

    public static KayentaMetricResult Classify(KayentaMetricPair pair, KayentaMetricConfig config, double alpha = DefaultAlpha)
    {
        var control = Clean(pair.Control, config.ReplaceNaN);
        var experiment = Clean(pair.Experiment, config.ReplaceNaN);
        var controlStats = Stats(control);
        var experimentStats = Stats(experiment);
        var threshold = 2 / alpha; // each direction's two tests share alpha
        if (control.Length == 0 || experiment.Length == 0)
        {
            var side = (control.Length == 0, experiment.Length == 0) switch
            {
                (true, true) => "no values on either side",
                (true, false) => "no control values",
                _ => "no experiment values",
            };
            var nodata = config.MustHaveData ? "NodataFailMetric" : "Nodata";
            return new KayentaMetricResult(pair.Name, pair.Id, pair.Tags, nodata, side + (config.MustHaveData ? " (mustHaveData)" : ""), config.Groups, config.Critical,
                controlStats, experimentStats, null, null, null, 0, 0, threshold, config.Direction);
        }
        var up = experiment.Select(v => v / config.AllowedIncrease).ToArray();
        var down = experiment.Select(v => v / config.AllowedDecrease).ToArray();
        var highCentre = Evidence(control, up, CentreQuantile, above: true);
        var highTail = Evidence(control, up, TailQuantile, above: true);
        var lowCentre = Evidence(control, down, CentreQuantile, above: false);
        var lowTail = Evidence(control, down, 1 - TailQuantile, above: false);
        var high = Math.Max(highCentre, highTail);
        var low = Math.Max(lowCentre, lowTail);
        var isHigh = high >= threshold;
        var isLow = low >= threshold;
        if (isHigh && isLow)
        {
            // Both tails moved apart (more spread): name the stronger side.
            isHigh = high >= low;
            isLow = !isHigh;
        }
        var meanRatio = Ratio(experimentStats.Mean, controlStats.Mean);
        var medianRatio = Ratio(experimentStats.Median, controlStats.Median);
        var tailRatio = Ratio(Quantile(experiment, TailQuantile), Quantile(control, TailQuantile));
        string classification;
        string reason;
        var sizes = $"{experiment.Length} experiment vs {control.Length} control values";
        if (isHigh)
        {
            var where = highTail > highCentre ? $"the tail (p90 ratio {Format(tailRatio)})" : $"the centre (median ratio {Format(medianRatio)})";
            var tolerance = config.AllowedIncrease > 1 ? $" beyond the allowed increase of {Format(config.AllowedIncrease)}x" : "";
            if (config.Direction == KayentaDirection.Decrease)
            {
                classification = "Pass";
                reason = $"higher than the control in {where}{tolerance}, which this metric allows (direction decrease); {sizes}";
            }
            else
            {
                classification = "High";
                reason = $"higher than the control in {where}{tolerance} (evidence {Format(high)} >= {Format(threshold)}); {sizes}";
            }
        }
        else if (isLow)
        {
            var where = lowTail > lowCentre ? $"the lower tail (p10 ratio {Format(Ratio(Quantile(experiment, 1 - TailQuantile), Quantile(control, 1 - TailQuantile)))})" : $"the centre (median ratio {Format(medianRatio)})";
            var tolerance = config.AllowedDecrease < 1 ? $" beyond the allowed decrease to {Format(config.AllowedDecrease)}x" : "";
            if (config.Direction == KayentaDirection.Increase)
            {
                classification = "Pass";
                reason = $"lower than the control in {where}{tolerance}, which this metric allows (direction increase); {sizes}";
            }
            else
            {
                classification = "Low";
                reason = $"lower than the control in {where}{tolerance} (evidence {Format(low)} >= {Format(threshold)}); {sizes}";
            }
        }
        else
        {
            classification = "Pass";
            reason = $"no significant change at the median or the tails (median ratio {Format(medianRatio)}, p90 ratio {Format(tailRatio)}); {sizes}";
        }
        return new KayentaMetricResult(pair.Name, pair.Id, pair.Tags, classification, reason, config.Groups, config.Critical,
            controlStats, experimentStats, meanRatio, medianRatio, tailRatio, high, low, threshold, config.Direction);
    }

    /// <summary>
    /// The e-value that <paramref name="experiment"/> is stochastically above (or below) <paramref name="control"/>
    /// at the pooled <paramref name="quantile"/>: one 2x2 table through the conditional odds-ratio test.
    /// </summary>
    internal static double Evidence(double[] control, double[] experiment, double quantile, bool above)
    {
        var pooled = control.Concat(experiment).ToArray();
        var t = Quantile(pooled, quantile)!.Value;
        long Count(double[] values) => above ? values.Count(v => v > t) : values.Count(v => v < t);
        var table = new EventTable(experiment.Length, Count(experiment), control.Length, Count(control));
        var log = new MixtureLog(OddsRatioEProcess.Grid);
        var buffer = new double[Math.Max(16, pooled.Length + 1)];
        OddsRatioEProcess.AddUp(log, table, ref buffer);
        return Math.Exp(Math.Min(log.LogUp, 690));
    }

    private static List<KayentaGroupScore> GroupScores(List<KayentaMetricResult> results, double pass, double marginal)
    {
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            foreach (var g in r.Groups)
            {
                if (!groups.TryGetValue(g, out var list))
                {
                    list = [];
                    groups[g] = list;
                }
                list.Add(r.Classification);
            }
        }
        var scores = new List<KayentaGroupScore>();
        foreach (var (name, labels) in groups)
        {
            var judged = labels.Count(l => l is "Pass" or "High" or "Low");
            if (judged == 0)
            {
                scores.Add(new KayentaGroupScore(name, null, "Nodata"));
                continue;
            }
            var score = 100.0 * labels.Count(l => l == "Pass") / judged;
            scores.Add(new KayentaGroupScore(name, score, ScoreClass(score, pass, marginal)));
        }
        return scores;
    }

    private static KayentaScore Overall(List<KayentaMetricResult> results, List<KayentaGroupScore> groups, KayentaJudgeRequest request)
    {
        var critical = results.Where(r => r.Critical && r.Classification != "Pass" && r.Classification != "Nodata").Select(r => r.Name).ToList();
        if (critical.Count > 0)
        {
            return new KayentaScore(0, "Fail", $"critical metric failed: {string.Join(", ", critical)}");
        }
        var weighted = request.GroupWeights.Values.Sum();
        var unweighted = groups.Where(g => !request.GroupWeights.ContainsKey(g.Name)).ToList();
        var share = unweighted.Count > 0 ? Math.Max(0, 100 - weighted) / unweighted.Count : 0;
        double score;
        if (groups.Count == 0)
        {
            // Metrics without groups: the share of Pass among the judged ones.
            var judged = results.Count(r => r.Classification is "Pass" or "High" or "Low");
            score = judged == 0 ? 0 : 100.0 * results.Count(r => r.Classification == "Pass") / judged;
        }
        else
        {
            score = groups.Where(g => g.Score is not null).Sum(g => g.Score!.Value * request.GroupWeights.GetValueOrDefault(g.Name, share) / 100);
        }
        score = Math.Round(score, 6);
        var classification = ScoreClass(score, request.PassThreshold, request.MarginalThreshold);
        var failing = results.Where(r => r.Classification is "High" or "Low" or "NodataFailMetric").Select(r => $"{r.Name} {r.Classification}").ToList();
        var reason = failing.Count == 0
            ? $"score {Format(score)}: every judged metric passed"
            : $"score {Format(score)} ({classification.ToLowerInvariant()} at pass {Format(request.PassThreshold)}, marginal {Format(request.MarginalThreshold)}): {string.Join(", ", failing)}";
        return new KayentaScore(score, classification, reason);
    }

    private static string ScoreClass(double score, double pass, double marginal) => score >= pass ? "Pass" : score >= marginal ? "Marginal" : "Fail";

    private static double[] Clean(IReadOnlyList<double> values, bool replace) =>
        replace ? values.Select(v => double.IsFinite(v) ? v : 0).ToArray() : values.Where(double.IsFinite).ToArray();

    private static KayentaStats Stats(double[] values) => values.Length == 0
        ? new KayentaStats(0, null, null, null, null, null, null)
        : new KayentaStats(values.Length, values.Average(), Quantile(values, 0.5), Quantile(values, 0.1), Quantile(values, 0.9), values.Min(), values.Max());

    /// <summary>The order statistic at floor(q (n - 1)): a value of the sample, so ties stay ties.</summary>
    internal static double? Quantile(double[] values, double q)
    {
        if (values.Length == 0)
        {
            return null;
        }
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Floor(q * (sorted.Length - 1))];
    }

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y != 0 ? x / y : null;

    private static string Format(double? v) => v is { } x ? x.ToString(Math.Abs(x) >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture) : "n/a";
}
