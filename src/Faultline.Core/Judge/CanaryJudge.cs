using System.Globalization;
using Faultline.Core.Judge.Metrics;

namespace Faultline.Core.Judge;

/// <summary>
/// Judges a canary against its baseline while traffic flows: feed it each look's observations and it answers
/// rollback, promote, continue or hold, with an explanation per metric. It keeps sequential evidence, so it
/// may be asked after every look without inflating false alarms.
/// </summary>
/// <remarks>
/// Family-wise error: a false rollback needs some metric's rollback e-process to reach M / alpha (M metrics);
/// by Ville's inequality each does so with probability at most alpha / M when its metric is within tolerance,
/// so all together at most alpha (Bonferroni over e-processes), whatever the number of looks. Promotion needs
/// every metric's promotion e-process at 1 / alpha: a wrong promotion needs the e-process of a metric that is
/// in fact beyond tolerance to cross, which has probability at most alpha, so promotion needs no split
/// (an intersection-union test). Nothing here is random: the same looks give the same answers.
/// </remarks>
public sealed class CanaryJudge
{
    private readonly JudgeSettings _settings;
    private readonly LatencyStore _latency = new();
    private readonly List<IMetricMonitor> _monitors;
    private readonly double _logRollbackThreshold;
    private readonly double _logPromoteThreshold;
    private int _looks;
    private long _baselineRequests;
    private long _canaryRequests;
    private bool _lastLookBaselineEmpty;
    private bool _lastLookCanaryEmpty;

    public CanaryJudge(JudgeSettings settings)
    {
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(settings));
        }
        _settings = settings;
        _monitors = settings.Metrics.Select(Create).ToList();
        _logRollbackThreshold = Math.Log(Math.Max(1, _monitors.Count) / settings.Alpha);
        _logPromoteThreshold = Math.Log(1 / settings.Alpha);
    }

    private IMetricMonitor Create(MetricDefinition metric) => metric switch
    {
        ErrorRateMetric e => new ErrorRateMonitor(e),
        LatencyMetric l => new LatencyQuantileMonitor(l, _latency),
        QualityMetric q => new QualityScoreMonitor(q),
        _ => throw new ArgumentException($"unknown metric type {metric.GetType().Name}"),
    };

    public int Looks => _looks;

    /// <summary>Adds one look of both arms and judges. Without <paramref name="explain"/>, intervals and words are skipped.</summary>
    public JudgeResult Look(ArmBatch baseline, ArmBatch canary, bool explain = true)
    {
        _looks++;
        _latency.Begin(baseline, canary);
        foreach (var monitor in _monitors)
        {
            monitor.Add(baseline, canary);
        }
        _latency.Commit();
        _baselineRequests += baseline.RequestCount;
        _canaryRequests += canary.RequestCount;
        _lastLookBaselineEmpty = baseline.RequestCount == 0;
        _lastLookCanaryEmpty = canary.RequestCount == 0;
        return Result(explain);
    }

    /// <summary>The verdict on everything seen so far.</summary>
    public JudgeResult Result(bool explain = true)
    {
        var metrics = _monitors.Select(m => Judge(m, explain)).ToList();
        // A side without any requests says it all; otherwise name each metric that lacks data.
        var missing = metrics
            .Where(m => m.Verdict == Verdict.Hold && (m.Samples.Baseline == 0 ? _baselineRequests > 0 : _canaryRequests > 0))
            .Select(m => $"{m.Name}: {MissingSide(m.Samples)}")
            .ToList();
        if (_looks == 0)
        {
            missing.Insert(0, "no data yet");
        }
        else
        {
            if (_lastLookBaselineEmpty && _baselineRequests > 0)
            {
                missing.Insert(0, "no baseline traffic in the last look");
            }
            if (_lastLookCanaryEmpty && _canaryRequests > 0)
            {
                missing.Insert(0, "no canary traffic in the last look");
            }
            if (_baselineRequests == 0)
            {
                missing.Insert(0, "the baseline has no requests");
            }
            if (_canaryRequests == 0)
            {
                missing.Insert(0, "the canary has no requests");
            }
        }
        var trafficMissing = _looks == 0 || _lastLookBaselineEmpty || _lastLookCanaryEmpty;
        var verdict = Combine(metrics, trafficMissing);
        var infrastructure = Board(Scoreboard.Infrastructure, metrics, trafficMissing);
        var quality = Board(Scoreboard.Quality, metrics, trafficMissing);
        long? needed = null;
        if (explain && verdict is Verdict.Continue or Verdict.Hold)
        {
            needed = Needed(metrics);
        }
        var samples = new SampleCounts(_baselineRequests, _canaryRequests);
        var result = new JudgeResult(verdict, samples, _looks, infrastructure, quality, metrics, missing.Distinct().ToList(), needed, "");
        return explain ? result with { Summary = Summarize(result) } : result;
    }

    private static string MissingSide(SampleCounts s) => (s.Baseline == 0, s.Canary == 0) switch
    {
        (true, true) => "no data on either side",
        (true, false) => "no baseline data",
        _ => "no canary data",
    };

    private static Verdict Combine(IReadOnlyCollection<MetricResult> metrics, bool trafficMissing)
    {
        if (metrics.Any(m => m.Verdict == Verdict.Rollback))
        {
            return Verdict.Rollback;
        }
        if (trafficMissing || metrics.Any(m => m.Verdict == Verdict.Hold))
        {
            return Verdict.Hold;
        }
        return metrics.Count > 0 && metrics.All(m => m.Verdict == Verdict.Promote) ? Verdict.Promote : Verdict.Continue;
    }

    private static ScoreboardResult Board(Scoreboard board, List<MetricResult> metrics, bool trafficMissing)
    {
        var mine = metrics.Where(m => m.Scoreboard == board).ToList();
        return new ScoreboardResult(board, mine.Count == 0 ? null : Combine(mine, trafficMissing), mine.Select(m => m.Name).ToList());
    }

    private MetricResult Judge(IMetricMonitor monitor, bool explain)
    {
        var samples = monitor.Samples;
        var logRollback = monitor.LogRollback;
        var logPromote = monitor.LogPromote;
        var enough = Math.Min(samples.Baseline, samples.Canary) >= _settings.MinSamples;
        Verdict verdict;
        if (samples.Baseline == 0 || samples.Canary == 0)
        {
            verdict = Verdict.Hold;
        }
        else if (logRollback >= _logRollbackThreshold)
        {
            verdict = Verdict.Rollback;
        }
        else if (logPromote >= _logPromoteThreshold && enough)
        {
            verdict = Verdict.Promote;
        }
        else
        {
            verdict = Verdict.Continue;
        }
        var evidence = new MetricEvidence(Exp(logRollback), Exp(_logRollbackThreshold), Exp(logPromote), Exp(_logPromoteThreshold));
        var definition = monitor.Definition;
        if (!explain)
        {
            return new MetricResult(definition.Name, definition.Scoreboard, verdict, "", null, monitor.Limit, new MetricInterval(null, null), evidence, samples, null, "");
        }
        var detail = monitor.Explain(_logRollbackThreshold, _logPromoteThreshold);
        if (verdict == Verdict.Hold)
        {
            detail = detail with { Interval = new MetricInterval(null, null) };
        }
        var needed = detail.SamplesNeeded;
        var shortfall = Math.Max(0, _settings.MinSamples - Math.Min(samples.Baseline, samples.Canary));
        if (verdict is Verdict.Continue or Verdict.Hold && needed is { } n && (detail.Effect ?? double.NegativeInfinity) <= monitor.Limit)
        {
            needed = Math.Max(n, shortfall);
        }
        if (verdict == Verdict.Hold)
        {
            needed = Math.Max(needed ?? 0, shortfall);
        }
        if (verdict is Verdict.Promote or Verdict.Rollback)
        {
            needed = null;
        }
        var reason = Reason(verdict, detail, monitor, logRollback, logPromote, enough, samples);
        return new MetricResult(definition.Name, definition.Scoreboard, verdict, detail.Measure, detail.Effect, monitor.Limit, detail.Interval, evidence, samples, needed, reason);
    }

    private string Reason(Verdict verdict, MetricDetail d, IMetricMonitor monitor, double logRollback, double logPromote, bool enough, SampleCounts samples)
    {
        var f = d.Format;
        var rollbackConfidence = Percent(1 - Math.Exp(-_logRollbackThreshold));
        var promoteConfidence = Percent(1 - _settings.Alpha);
        var limit = f(monitor.Limit);
        var effect = d.Effect is { } e ? $" ({d.Phrase(e)})" : "";
        var lower = d.Interval.Lower is { } lo ? f(lo) : "unbounded";
        var upper = d.Interval.Upper is { } hi ? f(hi) : "unbounded";
        var range = (d.Interval.Lower, d.Interval.Upper) switch
        {
            (null, null) => "no bound on it yet",
            (null, { } u) => $"at most {f(u)} so far",
            ({ } l, null) => $"at least {f(l)} so far",
            _ => $"between {lower} and {upper} so far",
        };
        return verdict switch
        {
            Verdict.Hold => $"cannot judge: {MissingSide(samples)}.",
            Verdict.Rollback => $"{d.Observed}{effect}; with {rollbackConfidence} confidence at least {lower}, beyond the tolerance of {limit} (e-value {Number(Exp(logRollback))}).",
            Verdict.Promote => $"{d.Observed}{effect}; with {promoteConfidence} confidence at most {upper}, within the tolerance of {limit}.",
            _ when logPromote >= _logPromoteThreshold && !enough =>
                $"{d.Observed}{effect}; shown within the tolerance of {limit}, but promotion waits for {_settings.MinSamples:N0} samples per side.",
            _ => $"{d.Observed}{effect}; {range}, which still allows the tolerance of {limit} to be crossed either way.",
        };
    }

    private long? Needed(List<MetricResult> metrics)
    {
        var open = metrics.Where(m => m.Verdict is Verdict.Continue or Verdict.Hold).ToList();
        var towardsRollback = open.Where(m => m.Effect > m.Limit && m.SamplesNeeded is not null).Select(m => m.SamplesNeeded!.Value).ToList();
        if (towardsRollback.Count > 0)
        {
            return towardsRollback.Min();
        }
        var known = open.Where(m => m.SamplesNeeded is not null).Select(m => m.SamplesNeeded!.Value).ToList();
        var shortfall = Math.Max(0, _settings.MinSamples - Math.Min(_baselineRequests, _canaryRequests));
        if (known.Count == 0)
        {
            return shortfall > 0 ? shortfall : null;
        }
        return Math.Max(known.Max(), shortfall);
    }

    private static string Summarize(JudgeResult r)
    {
        var after = $"after {r.Samples.Baseline:N0} baseline and {r.Samples.Canary:N0} canary requests ({r.Looks} look{(r.Looks == 1 ? "" : "s")})";
        var needed = r.SamplesNeeded switch
        {
            > 100_000 => "; more than 100,000 more requests per side would be needed (an effect close to its tolerance is slow to decide)",
            { } n => $"; about {n:N0} more requests per side should decide",
            _ => "",
        };
        return r.Verdict switch
        {
            Verdict.Rollback => $"rollback: {r.Regression} regression in {string.Join(", ", r.Metrics.Where(m => m.Verdict == Verdict.Rollback).Select(m => m.Name))} {after}",
            Verdict.Promote => $"promote: every metric within tolerance {after}",
            Verdict.Hold => $"hold: {string.Join("; ", r.Missing)} {after}{needed}",
            _ => $"continue: not decided {after}{needed}",
        };
    }

    /// <summary>e to the x, capped at 1e300 so that overwhelming evidence stays a finite number.</summary>
    private static double Exp(double x) => Math.Exp(Math.Min(x, 690.0));

    private static string Percent(double p) => (p * 100).ToString(p * 100 % 1 == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + "%";

    private static string Number(double v) => v switch
    {
        >= 1e6 => v.ToString("0.##e+0", CultureInfo.InvariantCulture),
        >= 100 => v.ToString("N0", CultureInfo.InvariantCulture),
        _ => v.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
