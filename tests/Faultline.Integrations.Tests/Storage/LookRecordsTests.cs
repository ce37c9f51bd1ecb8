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
