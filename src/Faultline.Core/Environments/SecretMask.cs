using System.Text.RegularExpressions;

namespace Faultline.Core.Environments;

/// <summary>
/// Hides secret-looking values before they reach any output. A value is masked whole when its name says it is a
/// secret (password, token, secret, API or access key, credential, connection string, DSN) or when the value itself
/// looks like one (a private key, a well-known token prefix, a JWT); otherwise only the secret part of it is masked:
/// the password of a URL's user info, and `password=`-style pairs of a connection string.
/// </summary>
public static partial class SecretMask
{
    public const string Mask = "***";

    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    public static bool LooksSecret(string value) => SecretValue().IsMatch(value);

    /// <summary>The value as it may be shown: masked whole, masked in part, or unchanged.</summary>
    public static string Apply(string name, string value)
    {
        if (IsSecretName(name) || LooksSecret(value))
        {
            return Mask;
        }
        return Partial(value);
    }

    /// <summary>Masks the secret parts of a value whose name says nothing (URL passwords, key=value secrets).</summary>
    public static string Partial(string value)
    {
        var masked = UrlPassword().Replace(value, "$1" + Mask + "@");
        return SecretPair().Replace(masked, m => m.Groups[1].Value + "=" + Mask);
    }

    /// <summary>True when <see cref="Apply"/> hides all or part of the value.</summary>
    public static bool Hides(string name, string value) => Apply(name, value) != value;

    [GeneratedRegex(@"(passw(or)?d|pwd|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|signing[-_.]?key|credential|connection[-_.]?string|conn[-_.]?str|(^|[-_.])dsn$|(^|[-_.])key$|auth[-_.]?(header|token|key))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|^(sk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^xox[abprs]-|^AKIA[0-9A-Z]{16}$|^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.",
        RegexOptions.CultureInvariant)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"(://[^/\s:@]*:)[^@\s/]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"\b(password|pwd|secret|token|accountkey|sharedaccesskey|apikey|api_key|access_token)=([^;&\s]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();
}
