using System.Globalization;
using System.Text.RegularExpressions;

namespace Faultline.Cli.Commands;

/// <summary>Durations as people write them on a command line: 14d, 3h, 90m, 1h30m, 2w, 45s.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(w|d|h|m|s))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(w|d|h|m|s)")]
    private static partial Regex Part();

    public static TimeSpan Parse(string text, string option)
    {
        var t = text.Trim();
        if (!Whole().IsMatch(t))
        {
            throw new UsageException($"{option} '{text}' is not a duration: write it as 14d, 3h, 90m or 1h30m");
        }
        var total = TimeSpan.Zero;
        foreach (Match m in Part().Matches(t))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "w" => TimeSpan.FromDays(7 * n),
                "d" => TimeSpan.FromDays(n),
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
        }
        return total;
    }
}
