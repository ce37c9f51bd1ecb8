namespace Faultline.Core.Judge;

/// <summary>How a replay cuts recorded requests into looks.</summary>
public abstract record Batching
{
    /// <summary>A look after every <paramref name="Size"/> requests per side.</summary>
    public sealed record ByCount(int Size) : Batching;

    /// <summary>A look after every time window of <paramref name="Seconds"/>; needs timestamps on every request.</summary>
    public sealed record ByInterval(double Seconds) : Batching;
}

/// <summary>
/// Replays recorded requests of both arms through a <see cref="CanaryJudge"/>, in order, and stops at the
/// first rollback or promote, as a live rollout would.
/// </summary>
public static class JudgeReplay
{
    public static JudgeResult Run(IReadOnlyList<RequestSample> baseline, IReadOnlyList<RequestSample> canary, JudgeSettings settings, Batching batching)
    {
        var judge = new CanaryJudge(settings);
        foreach (var (b, c) in Looks(baseline, canary, batching))
        {
            var verdict = judge.Look(ArmBatch.Of(b), ArmBatch.Of(c), explain: false).Verdict;
            if (verdict is Verdict.Rollback or Verdict.Promote)
            {
                break;
            }
        }
        return judge.Result(explain: true);
    }

    /// <summary>The looks of a replay. By count, the look where one side runs out also takes the rest of the other.</summary>
    public static IEnumerable<(RequestSample[] Baseline, RequestSample[] Canary)> Looks(IReadOnlyList<RequestSample> baseline, IReadOnlyList<RequestSample> canary, Batching batching)
    {
        switch (batching)
        {
            case Batching.ByCount { Size: > 0 } count:
                int ib = 0, ic = 0;
                while (ib < baseline.Count || ic < canary.Count)
                {
                    var nb = Math.Min(count.Size, baseline.Count - ib);
                    var nc = Math.Min(count.Size, canary.Count - ic);
                    if (ib + nb == baseline.Count || ic + nc == canary.Count)
                    {
                        (nb, nc) = (baseline.Count - ib, canary.Count - ic);
                    }
                    yield return (Slice(baseline, ib, nb), Slice(canary, ic, nc));
                    ib += nb;
                    ic += nc;
                }
                break;
            case Batching.ByInterval { Seconds: > 0 } interval:
                if (baseline.Concat(canary).Any(r => r.Timestamp is null))
                {
                    throw new ArgumentException("replaying by interval needs a timestamp on every request");
                }
                if (baseline.Count + canary.Count == 0)
                {
                    yield break;
                }
                var start = baseline.Concat(canary).Min(r => r.Timestamp!.Value);
                long Window(RequestSample r) => (long)Math.Floor((r.Timestamp!.Value - start) / interval.Seconds);
                var b = baseline.GroupBy(Window).ToDictionary(g => g.Key, g => g.ToArray());
                var c = canary.GroupBy(Window).ToDictionary(g => g.Key, g => g.ToArray());
                foreach (var w in b.Keys.Union(c.Keys).Order())
                {
                    yield return (b.GetValueOrDefault(w) ?? [], c.GetValueOrDefault(w) ?? []);
                }
                break;
            default:
                throw new ArgumentException("a batch size and an interval must be positive");
        }
    }

    private static RequestSample[] Slice(IReadOnlyList<RequestSample> list, int start, int count)
    {
        var result = new RequestSample[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = list[start + i];
        }
        return result;
    }
}
