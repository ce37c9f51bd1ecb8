using System.Text;

namespace Faultline.Core.Model;

/// <summary>The kubelet's $(VAR) expansion of env values, command and args.</summary>
public static class EnvExpansion
{
    /// <summary>Expands $(VAR) from variables defined before, as the kubelet does; $$ escapes a dollar.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> env)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length)
            {
                if (value[i + 1] == '$')
                {
                    sb.Append('$');
                    i++;
                    continue;
                }
                if (value[i + 1] == '(')
                {
                    var close = value.IndexOf(')', i + 2);
                    if (close > 0)
                    {
                        var name = value[(i + 2)..close];
                        if (env.TryGetValue(name, out var replacement))
                        {
                            sb.Append(replacement);
                            i = close;
                            continue;
                        }
                    }
                }
            }
            sb.Append(value[i]);
        }
        return sb.ToString();
    }
}
