using System.Text;
using System.Text.RegularExpressions;

namespace Faultline.Sources.Inputs;

/// <summary>Glob patterns as users write them in ignorePaths: `*` within a folder, `**` across folders, `?` one character.</summary>
public static class Globs
{
    public static Func<string, bool> Compile(IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0)
        {
            return _ => false;
        }
        var regexes = patterns.Select(p => new Regex(ToRegex(p), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
        return path =>
        {
            var normalized = path.Replace('\\', '/');
            return regexes.Any(r => r.IsMatch(normalized));
        };
    }

    internal static string ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none.
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
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
