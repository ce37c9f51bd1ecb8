using System.Globalization;

namespace Faultline.Core.Resources;

/// <summary>
/// Rounding and writing recommendations as Kubernetes quantities: CPU in millicores, memory in mebibytes, always
/// rounded up (a recommendation never ends below what was measured). Small values keep fine steps; larger ones
/// are rounded to steps that are easy to read and compare (5m from 100m on, 4Mi from 256Mi on).
/// </summary>
public static class ResourceUnits
{
    private const decimal Mi = 1024m * 1024m;

    public static decimal RoundUp(string resource, double value) => resource == "cpu" ? RoundUpCpu(value) : RoundUpMemory(value);

    /// <summary>Cores, rounded up to 1m below 100m and to 5m from there; at least 1m.</summary>
    public static decimal RoundUpCpu(double cores)
    {
        var milli = Math.Max(1m, Math.Ceiling((decimal)Math.Max(0, cores) * 1000m - 0.000001m));
        var step = milli < 100 ? 1m : 5m;
        return Math.Ceiling(milli / step) * step / 1000m;
    }

    /// <summary>Bytes, rounded up to 1Mi below 256Mi and to 4Mi from there; at least 1Mi.</summary>
    public static decimal RoundUpMemory(double bytes)
    {
        var mebi = Math.Max(1m, Math.Ceiling((decimal)Math.Max(0, bytes) / Mi - 0.000001m));
        var step = mebi < 256 ? 1m : 4m;
        return Math.Ceiling(mebi / step) * step * Mi;
    }

    /// <summary>"250m" for CPU, "512Mi" for memory.</summary>
    public static string Format(string resource, decimal value) => resource == "cpu"
        ? Math.Round(value * 1000m).ToString(CultureInfo.InvariantCulture) + "m"
        : Math.Ceiling(value / Mi).ToString(CultureInfo.InvariantCulture) + "Mi";

    /// <summary>A measured value for people: "212.4m", "431.2Mi".</summary>
    public static string Describe(string resource, double value) => resource == "cpu"
        ? (value * 1000).ToString("0.#", CultureInfo.InvariantCulture) + "m"
        : (value / (double)Mi).ToString("0.#", CultureInfo.InvariantCulture) + "Mi";
}
