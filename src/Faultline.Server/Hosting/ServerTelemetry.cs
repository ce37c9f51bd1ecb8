using System.Diagnostics.Metrics;
using Faultline.Core.Judge;

namespace Faultline.Server.Hosting;

/// <summary>Faultline's own instruments beside ASP.NET Core's: looks taken, their verdicts and how long they took.</summary>
internal sealed class ServerTelemetry : IDisposable
{
    public const string MeterName = "Faultline.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _looks;
    private readonly Histogram<double> _lookSeconds;
    private readonly Counter<long> _authFailures;

    public ServerTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _looks = _meter.CreateCounter<long>("faultline.analysis.looks", description: "Looks taken at analyses, by verdict");
        _lookSeconds = _meter.CreateHistogram<double>("faultline.analysis.look.duration", unit: "s", description: "Time to read, store and judge one look");
        _authFailures = _meter.CreateCounter<long>("faultline.auth.failures", description: "Requests refused for a missing or wrong bearer token");
    }

    public void Look(TimeSpan took, Verdict verdict)
    {
        var tag = new KeyValuePair<string, object?>("verdict", verdict.ToString().ToLowerInvariant());
        _looks.Add(1, tag);
        _lookSeconds.Record(took.TotalSeconds, tag);
    }

    public void AuthFailure(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
