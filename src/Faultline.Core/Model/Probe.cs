using Faultline.Core.Documents;

namespace Faultline.Core.Model;

public enum ProbeKind
{
    Http,
    Tcp,
    Grpc,
    Exec,
    Unknown,
}

/// <summary>A liveness, readiness or startup probe with Kubernetes' defaults applied to its timing.</summary>
public sealed class Probe
{
    public required MapNode Node { get; init; }

    public required ProbeKind Kind { get; init; }

    public IntOrString? Port { get; init; }

    public string? Path { get; init; }

    public string? Scheme { get; init; }

    public string? Host { get; init; }

    /// <summary>HTTP headers as "name: value" lines, sorted, so two probes compare by value.</summary>
    public string Headers { get; init; } = "";

    public string? GrpcService { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    public int InitialDelaySeconds { get; init; }

    public int PeriodSeconds { get; init; } = 10;

    public int FailureThreshold { get; init; } = 3;

    public int TimeoutSeconds { get; init; } = 1;

    /// <summary>Seconds of consecutive failure before the probe acts.</summary>
    public int FailureWindowSeconds => FailureThreshold * PeriodSeconds;

    /// <summary>True when both probes perform the same check, whatever their timing. Named ports resolve through the container.</summary>
    public bool SameCheckAs(Probe other, Container? container = null)
    {
        return Kind == other.Kind && Kind switch
        {
            ProbeKind.Http => Path == other.Path && SamePort() && (Scheme ?? "HTTP") == (other.Scheme ?? "HTTP") && Headers == other.Headers && Host == other.Host,
            ProbeKind.Tcp => SamePort(),
            ProbeKind.Grpc => SamePort() && (GrpcService ?? "") == (other.GrpcService ?? ""),
            ProbeKind.Exec => Command.SequenceEqual(other.Command),
            _ => false,
        };

        bool SamePort() => Resolve(Port) == Resolve(other.Port);

        IntOrString? Resolve(IntOrString? port) =>
            port is { IsNumber: false } named && container?.Ports.FirstOrDefault(p => p.Name == named.Name) is { } declared
                ? new IntOrString(declared.Number, null)
                : port;
    }

    public string Describe() => Kind switch
    {
        ProbeKind.Http => $"HTTP GET {Path ?? "/"} on port {Port}",
        ProbeKind.Tcp => $"TCP connect to port {Port}",
        ProbeKind.Grpc => $"gRPC health check on port {Port}" + (string.IsNullOrEmpty(GrpcService) ? "" : $" (service {GrpcService})"),
        ProbeKind.Exec => $"exec `{string.Join(' ', Command)}`",
        _ => "probe",
    };
}
