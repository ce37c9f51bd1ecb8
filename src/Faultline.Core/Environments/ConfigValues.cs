using System.Globalization;
using System.Text.RegularExpressions;
using Faultline.Core.Contracts;

namespace Faultline.Core.Environments;

/// <summary>What an env var or ConfigMap key is, judged by its name and value; decides how a difference ranks.</summary>
internal enum ValueKind
{
    Secret,
    Flag,
    Timeout,
    Retries,
    Capacity,
    Runtime,
    LogLevel,
    Address,
    Plain,
}

/// <summary>Recognises feature flags, timeouts, retries, capacity settings, runtime options and addresses by name.</summary>
internal static partial class ConfigValues
{
    public static ValueKind Classify(string name, string? a, string? b)
    {
        if (SecretMask.IsSecretName(name) || a is not null && SecretMask.LooksSecret(a) || b is not null && SecretMask.LooksSecret(b))
        {
            return ValueKind.Secret;
        }
        if (FlagName().IsMatch(name))
        {
            return ValueKind.Flag;
        }
        if (TimeoutName().IsMatch(name))
        {
            return ValueKind.Timeout;
        }
        if (RetryName().IsMatch(name))
        {
            return ValueKind.Retries;
        }
        if (CapacityName().IsMatch(name))
        {
            return ValueKind.Capacity;
        }
        if (RuntimeName().IsMatch(name))
        {
            return ValueKind.Runtime;
        }
        if (LogName().IsMatch(name))
        {
            return ValueKind.LogLevel;
        }
        if (AddressName().IsMatch(name) || IsAddress(a) || IsAddress(b))
        {
            return ValueKind.Address;
        }
        return ValueKind.Plain;
    }

    /// <summary>true/false, yes/no, on/off, 1/0, enabled/disabled; null when the value is not a switch.</summary>
    public static bool? Switch(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" or "enabled" or "enable" => true,
        "false" or "no" or "off" or "0" or "disabled" or "disable" or "" => false,
        _ => null,
    };

    /// <summary>A duration: "2s", "250ms", "1m30s", or a number whose unit the name gives (TIMEOUT_MS, _SECONDS).</summary>
    public static TimeSpan? Duration(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (decimal.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            var upper = name.ToUpperInvariant();
            double? factor = upper.EndsWith("MS", StringComparison.Ordinal) || upper.EndsWith("MILLIS", StringComparison.Ordinal) || upper.EndsWith("MILLISECONDS", StringComparison.Ordinal) ? 1
                : upper.EndsWith("_S", StringComparison.Ordinal) || upper.EndsWith("SEC", StringComparison.Ordinal) || upper.EndsWith("SECS", StringComparison.Ordinal) || upper.EndsWith("SECONDS", StringComparison.Ordinal) ? 1000
                : upper.EndsWith("MIN", StringComparison.Ordinal) || upper.EndsWith("MINUTES", StringComparison.Ordinal) ? 60_000
                : null;
            return factor is { } f ? TimeSpan.FromMilliseconds((double)n * f) : null;
        }
        return AssumptionDocuments.ParseDuration(value);
    }

    public static decimal? Number(string? value) =>
        value is not null && decimal.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static bool IsAddress(string? value) => value is not null && (value.Contains("://", StringComparison.Ordinal) || HostPort().IsMatch(value));

    /// <summary>The value with its host replaced by a placeholder, so two addresses compare without their hosts.</summary>
    public static string WithoutHost(string value)
    {
        var m = UrlHost().Match(value);
        if (m.Success)
        {
            return value[..m.Groups["host"].Index] + "<host>" + value[(m.Groups["host"].Index + m.Groups["host"].Length)..];
        }
        var hp = HostPort().Match(value);
        return hp.Success ? "<host>" + value[hp.Groups["host"].Length..] : "<host>";
    }

    public static string FormatDuration(TimeSpan t) =>
        t.TotalMilliseconds < 1000 || t.Milliseconds != 0 ? $"{t.TotalMilliseconds:0}ms" : $"{t.TotalSeconds:0.##}s";

    [GeneratedRegex(@"(^|[-_.])(features?|ff|flags?|toggles?)([-_.]|$)|(^|[-_.])(enabled?|disabled?)([-_.]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FlagName();

    [GeneratedRegex(@"timeout|deadline", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeoutName();

    [GeneratedRegex(@"retry|retries|attempts", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RetryName();

    [GeneratedRegex(@"pool|max[-_.]?conn|connections|concurrency|workers|threads|batch[-_.]?size|queue[-_.]?size|rate[-_.]?limit|max[-_.]?(requests|inflight|in[-_.]flight)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CapacityName();

    [GeneratedRegex(@"^(java_opts|java_tool_options|jdk_java_options|_java_options|node_options|gomemlimit|gogc|gomaxprocs|dotnet_gc\w*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RuntimeName();

    [GeneratedRegex(@"log[-_.]?level|^debug$|verbosity", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LogName();

    [GeneratedRegex(@"(url|uri|host|hostname|addr|address|endpoint|server|servers|brokers)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressName();

    [GeneratedRegex(@"^(?<host>[A-Za-z0-9][A-Za-z0-9.-]*):\d{1,5}(/.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPort();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*://([^/@\s]*@)?(?<host>[^/:?#\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlHost();
}
