using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Faultline.Core.Images;

/// <summary>
/// One rule of a retention policy: which repositories it covers (a glob) and what it keeps there. Unset values
/// fall back to the policy's defaults; keepTags and protect add to the defaults' lists.
/// </summary>
public sealed record RetentionRule
{
    /// <summary>Glob over repository names: `*` within one path segment, `**` across segments, `?` one character.</summary>
    public required string Pattern { get; init; }

    public int? Keep { get; init; }

    public TimeSpan? KeepWithin { get; init; }

    public IReadOnlyList<Regex> KeepTags { get; init; } = [];

    /// <summary>Tags (tag or repo:tag) and digests or image ids (sha256:..., or 12+ hex digits) never to remove.</summary>
    public IReadOnlyList<string> Protect { get; init; } = [];

    /// <summary>Where the rule was written (policy.yaml:7), for explanations.</summary>
    public string? Origin { get; init; }
}

/// <summary>
/// A retention policy: defaults plus rules per repository pattern, the first matching rule applying. The same
/// policy is evaluated for the images of a host and the manifests of a registry.
/// </summary>
public sealed record RetentionPolicy
{
    public const int DefaultKeep = 3;

    public int Keep { get; init; } = DefaultKeep;

    public TimeSpan? KeepWithin { get; init; }

    public IReadOnlyList<Regex> KeepTags { get; init; } = [];

    public IReadOnlyList<string> Protect { get; init; } = [];

    public IReadOnlyList<RetentionRule> Rules { get; init; } = [];

    /// <summary>Repositories (names or globs) whose images are candidates; when empty, those that some rule matches.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = [];

    public bool IsCandidate(string repository) =>
        Repositories.Count > 0
            ? Repositories.Any(r => RepositoryPattern.Matches(r, repository))
            : Rules.Any(r => RepositoryPattern.Matches(r.Pattern, repository));

    /// <summary>What applies to one repository: the first rule matching it over the defaults.</summary>
    public EffectiveRetention For(string repository)
    {
        var rule = Rules.FirstOrDefault(r => RepositoryPattern.Matches(r.Pattern, repository));
        return new EffectiveRetention(
            repository,
            rule?.Keep ?? Keep,
            rule?.KeepWithin ?? KeepWithin,
            [.. KeepTags, .. rule?.KeepTags ?? []],
            [.. Protect, .. rule?.Protect ?? []],
            rule);
    }
}

/// <summary>The retention settings of one repository after the rules are applied.</summary>
public sealed record EffectiveRetention(
    string Repository,
    int Keep,
    TimeSpan? KeepWithin,
    IReadOnlyList<Regex> KeepTags,
    IReadOnlyList<string> Protect,
    RetentionRule? Rule);

/// <summary>Repository globs: `*` within one path segment, `**` across segments, `?` one character; nothing else is special.</summary>
public static class RepositoryPattern
{
    public static bool Matches(string pattern, string repository) =>
        pattern == repository || Regex.IsMatch(repository, ToRegex(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    internal static string ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }
        return sb.Append('$').ToString();
    }
}

/// <summary>What a --protect value (or a policy's protect entry) names.</summary>
public static class Protection
{
    /// <summary>
    /// Whether the value names this image: sha256:... (a prefix of its id or one of its digests), or 12 or more
    /// lowercase hex digits (an id prefix, as docker prints ids). Such hex may also be a tag (a git sha); it then
    /// protects both, which errs on the side of keeping.
    /// </summary>
    public static bool MatchesImage(string value, ImageRecord image)
    {
        var digest = value.StartsWith("sha256:", StringComparison.Ordinal) ||
                     (value.Length >= 12 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'));
        if (!digest)
        {
            return false;
        }
        var prefix = value.StartsWith("sha256:", StringComparison.Ordinal) ? value : "sha256:" + value;
        return image.Id.StartsWith(prefix, StringComparison.Ordinal) ||
               image.Digests.Any(d => d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..].StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>Whether a tag-style value (tag, or repo:tag) names this tag.</summary>
    public static bool MatchesTag(string value, ImageTag tag)
    {
        if (value.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return false;
        }
        var parsed = ImageTag.Parse(value);
        return parsed is null ? value == tag.Tag : parsed == tag;
    }
}

/// <summary>Ages as people write them for retention: 7d, 12h, 2w, 1d12h, 90m, 30s.</summary>
public static class RetentionAge
{
    public static TimeSpan? Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i == text.Length || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 100_000)
            {
                return null;
            }
            var unit = text[i++] switch
            {
                'w' => TimeSpan.FromDays(7),
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                's' => TimeSpan.FromSeconds(1),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero)
            {
                return null;
            }
            total += unit * value;
        }
        return total;
    }

    /// <summary>The largest whole units first: 7d, 1d12h, 3h5m, 40s.</summary>
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return "0s";
        }
        var sb = new StringBuilder();
        var parts = 0;
        foreach (var (unit, letter) in new[] { (TimeSpan.FromDays(1), 'd'), (TimeSpan.FromHours(1), 'h'), (TimeSpan.FromMinutes(1), 'm'), (TimeSpan.FromSeconds(1), 's') })
        {
            var n = (long)(span.Ticks / unit.Ticks);
            if (n > 0 && parts < 2)
            {
                sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(letter);
                span -= unit * n;
                parts++;
            }
            else if (parts > 0)
            {
                break;
            }
        }
        return sb.ToString();
    }
}
