using Faultline.Core.Judge;
using Faultline.Integrations.Storage;

namespace Faultline.Integrations.Tests.Storage;

public sealed class LookRecordsTests
{
    [Fact]
    public void WriteThenRead_GivesTheSameLook()
    {
        var histogram = new LatencyHistogram([5, 10, double.PositiveInfinity], [3, 9, 10]);
        var look = new LookRecord(
            DateTimeOffset.Parse("2026-11-28T10:00:00Z"),
            DateTimeOffset.Parse("2026-11-28T10:00:15Z"),
            new IntervalAggregate(10, 1, histogram, new Dictionary<string, ScoreSummary> { ["accuracy"] = new(4, 0.75) }),
            null,
            ["no canary series for x"]);
        var back = LookRecords.Read(LookRecords.Write(look));
        Assert.Equal(look.From, back.From);
        Assert.Equal(look.To, back.To);
        Assert.Equal(10, back.Baseline!.Requests);
        Assert.Equal(1, back.Baseline.Errors);
        Assert.Equal(histogram.UpperBounds, back.Baseline.Latency!.UpperBounds);
        Assert.Equal(histogram.CumulativeCounts, back.Baseline.Latency.CumulativeCounts);
        Assert.Equal(0.75, back.Baseline.Scores!["accuracy"].Mean);
        Assert.Null(back.Canary);
        Assert.Equal(0, back.CanaryBatch.RequestCount);
        Assert.Equal(look.Missing, back.Missing);
    }
}

public sealed class FineLookRecordsTests
{
    [Fact]
    public void FineHistogram_IsStoredSparsely_AndReadBackWhole()
    {
        var counts = new long[LatencyBuckets.Fine.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = i < 100 ? 0 : i < 120 ? (i - 99) * 3 : 60;
        }
        var histogram = new LatencyHistogram(LatencyBuckets.Fine, counts);
        var look = new LookRecord(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(5), new IntervalAggregate(60, 0, histogram), new IntervalAggregate(60, 0, histogram), []);
        var text = LookRecords.Write(look);
        Assert.True(text.Length < 1000, $"{text.Length} characters");
        var back = LookRecords.Read(text);
        Assert.Equal(counts, back.Baseline!.Latency!.CumulativeCounts);
        Assert.Equal(LatencyBuckets.Fine, back.Canary!.Latency!.UpperBounds);
    }
}
