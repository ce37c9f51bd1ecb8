using Faultline.Core.Documents;

namespace Faultline.Core.Model;

/// <summary>A container's requests and limits for CPU and memory, parsed; the nodes keep the lines.</summary>
public sealed class Resources
{
    public Quantity? CpuRequest { get; init; }

    public Quantity? CpuLimit { get; init; }

    public Quantity? MemoryRequest { get; init; }

    public Quantity? MemoryLimit { get; init; }

    public Node? Node { get; init; }
}

/// <summary>A Kubernetes resource quantity: its text, its value in base units (cores or bytes) and its node.</summary>
public sealed record Quantity(string Text, decimal Value, Node Node)
{
    /// <summary>Parses "500m", "0.5", "128Mi", "1G", "1e3"; null when the text is not a quantity.</summary>
    public static decimal? ParseValue(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        var suffixes = new (string Suffix, decimal Factor)[]
        {
            ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
            ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
            ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1000m * 1000),
            ("G", 1000m * 1000 * 1000), ("T", 1000m * 1000 * 1000 * 1000), ("P", 1000m * 1000 * 1000 * 1000 * 1000),
            ("E", 1000m * 1000 * 1000 * 1000 * 1000 * 1000),
        };
        foreach (var (suffix, factor) in suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                var number = text[..^suffix.Length];
                return decimal.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    ? v * factor
                    : null;
            }
        }
        if (decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }
        return null;
    }

    public static string FormatBytes(decimal bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }
        return $"{Math.Round(bytes, 1).ToString(System.Globalization.CultureInfo.InvariantCulture)} {units[i]}";
    }
}
