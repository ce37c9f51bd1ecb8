using Faultline.Core.Resources;

namespace Faultline.Core.Tests.Resources;

public sealed class ResourceRecommenderTests
{
    private const double Mi = 1024 * 1024;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ContainerKey Key = new("shop", "checkout", "app");

    /// <summary>One sample a minute for <paramref name="hours"/>, CPU and memory from the minute's index.</summary>
    private static ContainerUsage Usage(double hours, Func<int, double> cpu, Func<int, double> memory, params DateTimeOffset[] ooms)
    {
        var n = (int)(hours * 60) + 1;
        var times = Enumerable.Range(0, n).Select(i => Start.AddMinutes(i)).ToList();
        return new ContainerUsage(Key,
            times.Select((t, i) => new UsagePoint(t, cpu(i), "pod-1")).ToList(),
            times.Select((t, i) => new UsagePoint(t, memory(i), "pod-1")).ToList(),
            ooms.Select(t => new UsagePoint(t, 1, "pod-1")).ToList());
    }

    [Fact]
    public void Simple_CpuRequest_IsThe95thPercentileWithoutLimit()
    {
        // 100 samples: 0.001 .. 0.100 cores; p95 by nearest rank is 0.095.
        var usage = Usage(24, i => ((i % 100) + 1) / 1000.0, _ => 100 * Mi);

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions());

        Assert.Equal("95m", rec.Cpu.RequestText);
        Assert.Null(rec.Cpu.Limit);
        Assert.Contains("p95", rec.Cpu.Basis);
    }

    [Fact]
    public void Simple_Memory_IsPeakPlus15PercentRequestEqualsLimit()
    {
        var usage = Usage(6, _ => 0.1, i => i == 200 ? 400 * Mi : 300 * Mi);

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions());

        // 400Mi x 1.15 = 460Mi, a multiple of 4Mi already.
        Assert.Equal("460Mi", rec.Memory.RequestText);
        Assert.Equal("460Mi", rec.Memory.LimitText);
        Assert.Equal(0, rec.Memory.OomKills);
    }

    [Fact]
    public void Simple_AfterOomKill_AddsAnother25Percent()
    {
        var usage = Usage(6, _ => 0.1, _ => 400 * Mi, Start.AddHours(2));

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions());

        // 400 x 1.15 x 1.25 = 575Mi, rounded up to 576Mi.
        Assert.Equal("576Mi", rec.Memory.RequestText);
        Assert.Equal(1, rec.Memory.OomKills);
        Assert.Contains("OOM", rec.Memory.Basis);
    }

    [Fact]
    public void Recommend_ShortHistory_IsRefusedWithTheReason()
    {
        var usage = Usage(1.5, _ => 0.1, _ => 100 * Mi);

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions());

        Assert.False(rec.IsRecommended);
        Assert.Null(rec.Cpu.Request);
        Assert.Contains("too little history: 1.5 h of CPU samples (91 samples", rec.Cpu.Refusal);
        Assert.Contains("at least 3 h are needed", rec.Cpu.Refusal);
        Assert.Equal(91, rec.Memory.History.Samples);
    }

    [Fact]
    public void Recommend_ExactlyTheMinimum_IsEnough()
    {
        var rec = ResourceRecommender.Recommend(Usage(3, _ => 0.1, _ => 100 * Mi), new RecommendOptions());

        Assert.True(rec.Cpu.IsRecommended);
        Assert.Equal(3, rec.Cpu.History.CoveredHours, 6);
        Assert.Equal(Start, rec.Cpu.History.First);
        Assert.Equal(Start.AddHours(3), rec.Cpu.History.Last);
    }

    [Fact]
    public void History_GapsLongerThanUsual_DoNotCount()
    {
        // Two 2-hour stretches a day apart: 4 hours observed, not 28.
        var points = Enumerable.Range(0, 121).Select(i => new UsagePoint(Start.AddMinutes(i), 1))
            .Concat(Enumerable.Range(0, 121).Select(i => new UsagePoint(Start.AddDays(1).AddMinutes(i), 1)))
            .ToList();

        var history = ResourceRecommender.History(points);

        Assert.Equal(4, history.CoveredHours, 6);
        Assert.Equal(242, history.Samples);
    }

    [Theory]
    [InlineData("cpu", 0.0, "1m")]
    [InlineData("cpu", 0.0421, "43m")]
    [InlineData("cpu", 0.2121, "215m")]
    [InlineData("cpu", 1.5, "1500m")]
    [InlineData("memory", 1.0, "1Mi")]
    [InlineData("memory", 100.2 * Mi, "101Mi")]
    [InlineData("memory", 300.5 * Mi, "304Mi")]
    [InlineData("memory", 1024 * Mi, "1024Mi")]
    public void Rounding_IsUpToSensibleSteps(string resource, double value, string expected)
    {
        Assert.Equal(expected, ResourceUnits.Format(resource, ResourceUnits.RoundUp(resource, value)));
    }

    [Fact]
    public void Vpa_SteadyUsage_TargetIsP90PlusMarginAtBucketEnd()
    {
        var usage = Usage(48, _ => 0.5, _ => 600 * Mi);

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        // The value falls in a bucket whose end is at most ~7% above it (5% growth, narrower near the start),
        // then +15% and the rounding step.
        var cpu = (double)rec.Cpu.Request!.Value;
        Assert.InRange(cpu, 0.5 * 1.15, 0.5 * 1.15 * 1.06);
        var memory = (double)rec.Memory.Request!.Value;
        Assert.InRange(memory, 600 * Mi * 1.15, 600 * Mi * 1.15 * 1.08);
        // 2 days of history: the upper bound is x (1 + 1/2) over the p95.
        Assert.True(rec.Cpu.UpperBound > rec.Cpu.Request * 1.4m);
        Assert.True(rec.Cpu.LowerBound <= rec.Cpu.Request);
        Assert.Equal(rec.Memory.UpperBound, rec.Memory.Limit);
    }

    [Fact]
    public void Vpa_TinyUsage_GetsTheMinimums()
    {
        var rec = ResourceRecommender.Recommend(Usage(12, _ => 0.001, _ => 20 * Mi), new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        Assert.Equal("25m", rec.Cpu.RequestText);
        Assert.Equal("250Mi", rec.Memory.RequestText);
    }

    [Fact]
    public void Vpa_MinimumsAreSharedByTheContainersOfAPod()
    {
        var app = Usage(12, _ => 0.001, _ => 20 * Mi);
        var sidecar = app with { Key = Key with { Container = "proxy" } };

        var recs = ResourceRecommender.Recommend([app, sidecar], new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        Assert.All(recs, r => Assert.Equal("13m", r.Cpu.RequestText));
        Assert.All(recs, r => Assert.Equal("125Mi", r.Memory.RequestText));
    }

    [Fact]
    public void Vpa_RecentSamplesWeighMore()
    {
        // Two days at 1 core, then a day at 0.2 cores: with a 24 h half-life the last day holds 4/7 of the weight,
        // so the median is 0.2 cores, while an unweighted median would be 1 core.
        var usage = Usage(72, i => i < 48 * 60 ? 1.0 : 0.2, _ => 100 * Mi);

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        Assert.True(rec.Cpu.LowerBound < 0.3m, $"lower bound {rec.Cpu.LowerBound}");
        Assert.True(rec.Cpu.Request > 1m, $"target {rec.Cpu.Request}");
    }

    [Fact]
    public void Vpa_OomKill_AddsAPeakOfAtLeast100MiMore()
    {
        var usage = Usage(12, _ => 0.1, _ => 300 * Mi, Start.AddHours(6));

        var rec = ResourceRecommender.Recommend(usage, new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        // max(300 + 100, 300 x 1.2) = 400Mi, then the bucket end and +15%.
        Assert.InRange((double)rec.Memory.Request!.Value, 400 * Mi * 1.15, 400 * Mi * 1.15 * 1.08);
        Assert.Equal(1, rec.Memory.OomKills);
    }

    [Fact]
    public void Vpa_ShortHistory_IsRefusedToo()
    {
        var rec = ResourceRecommender.Recommend(Usage(2, _ => 0.1, _ => 100 * Mi), new RecommendOptions { Strategy = RecommendStrategy.Vpa });

        Assert.False(rec.IsRecommended);
        Assert.NotNull(rec.Memory.Refusal);
    }
}
