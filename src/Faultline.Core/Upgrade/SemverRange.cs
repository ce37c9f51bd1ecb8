using System.Globalization;
using System.Text.RegularExpressions;

namespace Faultline.Core.Upgrade;

/// <summary>
/// A Helm <c>kubeVersion</c> constraint (the Masterminds/semver syntax Helm uses): comparators joined by spaces or
/// commas (and), alternatives joined by <c>||</c> (or); operators = != &gt; &lt; &gt;= &lt;= ~ ~&gt; ^; hyphen
/// ranges "1.2 - 1.4"; wildcards "1.2.x", "*"; partial versions. Only release versions are tested against it
/// (a Kubernetes minor's patches), so pre-release tags in the constraint matter only for ordering: "&lt;1.31.0-0"
/// admits no 1.31 release.
/// </summary>
internal sealed partial class SemverRange
{
    private readonly IReadOnlyList<IReadOnlyList<Comparator>> _alternatives;

    private SemverRange(string text, IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    public string Text { get; }

    /// <summary>Parses a constraint; null with a reason when it is not one.</summary>
    public static SemverRange? TryParse(string text, out string? error)
    {
        error = null;
        var alternatives = new List<IReadOnlyList<Comparator>>();
        foreach (var alternative in text.Split("||"))
        {
            var comparators = new List<Comparator>();
            var s = alternative.Trim();
            var hyphen = HyphenRange().Match(s);
            if (hyphen.Success)
            {
                var low = Partial.TryParse(hyphen.Groups[1].Value);
                var high = Partial.TryParse(hyphen.Groups[2].Value);
                if (low is null || high is null)
                {
                    error = $"'{s}' is not a valid hyphen range";
                    return null;
                }
                comparators.Add(new Comparator(low.Value.Floor, Inclusive: true, null, false));
                comparators.Add(high.Value.IsPartial
                    ? new Comparator(null, false, high.Value.NextAfterPartial, Inclusive2: false)
                    : new Comparator(null, false, high.Value.Floor, Inclusive2: true));
                alternatives.Add(comparators);
                continue;
            }
            // "> = 1.2" and ">= 1.2" both occur in charts; glue each operator to its version first.
            var joined = s.Replace(",", " ", StringComparison.Ordinal);
            var tokens = Tokens().Matches(joined);
            if (Tokens().Replace(joined, "").Trim() is { Length: > 0 } rest)
            {
                error = $"'{rest}' in '{s}' is not a version comparison";
                return null;
            }
            if (tokens.Count == 0)
            {
                comparators.Add(Comparator.Any);
            }
            foreach (Match token in tokens)
            {
                var c = Comparator.TryCreate(token.Groups["op"].Value, token.Groups["ver"].Value);
                if (c is null)
                {
                    error = $"'{token.Value.Trim()}' is not a version comparison";
                    return null;
                }
                comparators.Add(c);
            }
            alternatives.Add(comparators);
        }
        return new SemverRange(text, alternatives);
    }

    /// <summary>True when the release major.minor.patch satisfies the constraint.</summary>
    public bool Allows(int major, int minor, int patch)
    {
        var v = new Semver(major, minor, patch, null);
        return _alternatives.Any(all => all.All(c => c.Allows(v)));
    }

    /// <summary>The patches of a minor the constraint admits, checked up to patch <paramref name="maxPatch"/>.</summary>
    public (int? Lowest, int? Highest, bool All) AllowedPatches(KubeVersion version, int maxPatch = 200)
    {
        int? lowest = null;
        int? highest = null;
        var all = true;
        for (var p = 0; p <= maxPatch; p++)
        {
            if (Allows(version.Major, version.Minor, p))
            {
                lowest ??= p;
                highest = p;
            }
            else
            {
                all = false;
            }
        }
        return (lowest, highest, all);
    }

    public override string ToString() => Text;

    [GeneratedRegex(@"^\s*(\S+)\s+-\s+(\S+)\s*$")]
    private static partial Regex HyphenRange();

    [GeneratedRegex(@"(?<op>!=|>=|=>|<=|=<|~>|[=<>~^])?\s*(?<ver>[vV]?[0-9xX*][0-9A-Za-z.*+-]*|\*)")]
    private static partial Regex Tokens();

    /// <summary>A semantic version; a pre-release sorts before its release.</summary>
    private readonly record struct Semver(int Major, int Minor, int Patch, string? Pre) : IComparable<Semver>
    {
        public int CompareTo(Semver o)
        {
            var c = Major.CompareTo(o.Major);
            c = c != 0 ? c : Minor.CompareTo(o.Minor);
            c = c != 0 ? c : Patch.CompareTo(o.Patch);
            if (c != 0 || Pre == o.Pre)
            {
                return c;
            }
            return Pre is null ? 1 : o.Pre is null ? -1 : ComparePre(Pre, o.Pre);
        }

        private static int ComparePre(string a, string b)
        {
            var x = a.Split('.');
            var y = b.Split('.');
            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                var xn = int.TryParse(x[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xi);
                var yn = int.TryParse(y[i], NumberStyles.None, CultureInfo.InvariantCulture, out var yi);
                var c = xn && yn ? xi.CompareTo(yi) : xn ? -1 : yn ? 1 : string.CompareOrdinal(x[i], y[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            return x.Length.CompareTo(y.Length);
        }

        public static bool operator <(Semver a, Semver b) => a.CompareTo(b) < 0;

        public static bool operator >(Semver a, Semver b) => a.CompareTo(b) > 0;

        public static bool operator <=(Semver a, Semver b) => a.CompareTo(b) <= 0;

        public static bool operator >=(Semver a, Semver b) => a.CompareTo(b) >= 0;
    }

    /// <summary>A version as written in a constraint: "1", "1.2", "1.2.x" and "*" leave parts open.</summary>
    private readonly record struct Partial(int Major, int? Minor, int? Patch, string? Pre)
    {
        public bool IsPartial => Minor is null || Patch is null;

        public bool IsAny => Major < 0;

        /// <summary>The lowest version the partial names (1.2 is 1.2.0).</summary>
        public Semver Floor => new(Math.Max(Major, 0), Minor ?? 0, Patch ?? 0, Pre);

        /// <summary>The first version past everything the partial names (1.2 is followed by 1.3.0).</summary>
        public Semver NextAfterPartial => Minor is null ? new(Major + 1, 0, 0, null) : new(Major, Minor.Value + 1, 0, null);

        public static Partial? TryParse(string text)
        {
            var s = text.Trim();
            if (s is "*" or "x" or "X" or "")
            {
                return new Partial(-1, null, null, null);
            }
            if (s[0] is 'v' or 'V')
            {
                s = s[1..];
            }
            var plus = s.IndexOf('+');
            if (plus >= 0)
            {
                s = s[..plus];
            }
            string? pre = null;
            var dash = s.IndexOf('-');
            if (dash >= 0)
            {
                pre = s[(dash + 1)..];
                s = s[..dash];
                if (pre.Length == 0)
                {
                    return null;
                }
            }
            var parts = s.Split('.');
            if (parts.Length > 3)
            {
                return null;
            }
            var numbers = new int?[3];
            for (var i = 0; i < parts.Length; i++)
            {
                if (parts[i] is "x" or "X" or "*")
                {
                    break;
                }
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return null;
                }
                numbers[i] = n;
            }
            if (numbers[0] is null)
            {
                return new Partial(-1, null, null, null);
            }
            return new Partial(numbers[0]!.Value, numbers[1], numbers[1] is null ? null : numbers[2], pre);
        }
    }

    /// <summary>One comparison, kept as an interval: a lower bound, an upper bound, or both.</summary>
    private sealed record Comparator(Semver? Low, bool Inclusive, Semver? High, bool Inclusive2, bool Negated = false)
    {
        public static readonly Comparator Any = new(null, false, null, false);

        public bool Allows(Semver v)
        {
            var inside = (Low is not { } low || (Inclusive ? v >= low : v > low))
                && (High is not { } high || (Inclusive2 ? v <= high : v < high));
            return Negated ? !inside : inside;
        }

        public static Comparator? TryCreate(string op, string version)
        {
            if (Partial.TryParse(version) is not { } p)
            {
                return null;
            }
            if (p.IsAny)
            {
                // "*" and ">= *" admit everything; "< *" and "!= *" admit nothing.
                return op is "<" or "!=" ? new Comparator(null, false, new Semver(0, 0, 0, ""), false) : Any;
            }
            var floor = p.Floor;
            var next = p.IsPartial ? p.NextAfterPartial : (Semver?)null;
            return op switch
            {
                "" or "=" => p.IsPartial ? new Comparator(floor, true, next, false) : new Comparator(floor, true, floor, true),
                "!=" => p.IsPartial ? new Comparator(floor, true, next, false, Negated: true) : new Comparator(floor, true, floor, true, Negated: true),
                ">" => p.IsPartial ? new Comparator(next, true, null, false) : new Comparator(floor, false, null, false),
                ">=" or "=>" => new Comparator(floor, true, null, false),
                "<" => new Comparator(null, false, floor, false),
                "<=" or "=<" => p.IsPartial ? new Comparator(null, false, next, false) : new Comparator(null, false, floor, true),
                "~" or "~>" => new Comparator(floor, true, p.Minor is null ? new Semver(p.Major + 1, 0, 0, null) : new Semver(p.Major, p.Minor.Value + 1, 0, null), false),
                "^" => new Comparator(floor, true, Caret(p), false),
                _ => null,
            };
        }

        /// <summary>^1.2.3 stops before 2.0.0, ^0.2.3 before 0.3.0, ^0.0.3 before 0.0.4 (the first non-zero part).</summary>
        private static Semver Caret(Partial p)
        {
            if (p.Major > 0 || p.Minor is null)
            {
                return new Semver(p.Major + 1, 0, 0, null);
            }
            if (p.Minor > 0 || p.Patch is null)
            {
                return new Semver(0, p.Minor.Value + 1, 0, null);
            }
            return new Semver(0, 0, p.Patch.Value + 1, null);
        }
    }
}
