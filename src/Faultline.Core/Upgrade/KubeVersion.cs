using System.Globalization;

namespace Faultline.Core.Upgrade;

/// <summary>
/// A Kubernetes minor release such as 1.32. Patch, pre-release and build parts ("v1.32.4", "v1.33.0-rc.1",
/// "v1.31.2-eks-a1b2", "v1.30.5+k3s1") are accepted on input and dropped: API lifecycles and the skew policy
/// are stated per minor.
/// </summary>
public readonly record struct KubeVersion(int Major, int Minor) : IComparable<KubeVersion>
{
    public static bool TryParse(string? text, out KubeVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        if (s.StartsWith('v') || s.StartsWith('V'))
        {
            s = s[1..];
        }
        var cut = s.IndexOfAny(['-', '+']);
        if (cut >= 0)
        {
            s = s[..cut];
        }
        var parts = s.Split('.');
        if (parts.Length is < 2 or > 3 || !parts.All(IsNumber))
        {
            return false;
        }
        version = new KubeVersion(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        return true;

        static bool IsNumber(string p) => p.Length is > 0 and <= 4 && p.All(char.IsAsciiDigit);
    }

    public static KubeVersion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a Kubernetes version");

    /// <summary>The release <paramref name="minors"/> minors later (earlier when negative), within the same major.</summary>
    public KubeVersion Plus(int minors) => this with { Minor = Minor + minors };

    /// <summary>How many minors this release is after <paramref name="other"/> (negative when before).</summary>
    public int MinorsAfter(KubeVersion other) => Major == other.Major ? Minor - other.Minor : (Major - other.Major) * 1000;

    public int CompareTo(KubeVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KubeVersion a, KubeVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(KubeVersion a, KubeVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(KubeVersion a, KubeVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(KubeVersion a, KubeVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
