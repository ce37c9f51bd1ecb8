using Faultline.Core.Judge;

namespace Faultline.Server.Analyses;

/// <summary>One look's observations of both arms over a window; <see cref="Missing"/> non-empty means the judge must hold.</summary>
public sealed record AnalysisLook(IntervalAggregate? Baseline, IntervalAggregate? Canary, IReadOnlyList<string> Missing);

/// <summary>Reads both arms over a window of time (Prometheus in production, a fake in unit tests).</summary>
public interface ILookSource
{
    Task<AnalysisLook> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancel);
}

/// <summary>What an analysis definition becomes: the judge's settings, where its data comes from, and how far behind now a look ends.</summary>
public sealed record AnalysisPlan(JudgeSettings Judge, ILookSource Source, TimeSpan Lag);

/// <summary>Turns the JSON body of <c>POST /api/v1/analyses</c> (its <c>judge</c> and <c>metrics</c> blocks) into a plan.</summary>
public interface IAnalysisEngine
{
    /// <summary>The plan, or null with every problem (file:line style, "body" as the file) in <paramref name="problems"/>.</summary>
    AnalysisPlan? Plan(string body, List<string> problems);
}
