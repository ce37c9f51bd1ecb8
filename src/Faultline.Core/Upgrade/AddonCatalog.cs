using System.Globalization;

namespace Faultline.Core.Upgrade;

/// <summary>An add-on release line ("1.15") and the Kubernetes minors its project supports it on.</summary>
public sealed record AddonRelease(string Version, IReadOnlyList<KubeVersion> Kubernetes)
{
    public bool Supports(KubeVersion kubernetes) => Kubernetes.Contains(kubernetes);

    /// <summary>"1.31–1.35", or the list when it has gaps.</summary>
    public string RangeText()
    {
        var sorted = Kubernetes.Order().ToList();
        var contiguous = sorted.Zip(sorted.Skip(1)).All(p => p.Second.MinorsAfter(p.First) == 1);
        return sorted.Count == 0 ? "none" : contiguous ? $"{sorted[0]}–{sorted[^1]}" : string.Join(", ", sorted);
    }
}

/// <summary>An add-on recognised by its container images, with its published compatibility rows.</summary>
public sealed record Addon(string Name, IReadOnlyList<string> Images, string Source, IReadOnlyList<AddonRelease> Releases)
{
    public AddonRelease? Release(string line) => Releases.FirstOrDefault(r => r.Version == line);
}

/// <summary>
/// Which add-on an image is (Upgrade/Data/addons.json, see PROVENANCE.md there). Rows are deliberately
/// incomplete: a release line that is not listed is unknown, not unsupported.
/// </summary>
public sealed class AddonCatalog
{
    public const string FileName = "addons.json";

    private static readonly Lazy<AddonCatalog> BuiltinData = new(() => Load(UpgradeData.Resource(FileName)));

    private AddonCatalog(string asOf, IReadOnlyList<Addon> addons)
    {
        AsOf = asOf;
        Addons = addons;
    }

    public static AddonCatalog Builtin => BuiltinData.Value;

    /// <summary>The date the rows were read from the projects' pages.</summary>
    public string AsOf { get; }

    public IReadOnlyList<Addon> Addons { get; }

    /// <summary>The add-on an image belongs to, and the release line its tag names (null when the tag says none).</summary>
    public (Addon Addon, string? Line)? Recognise(string image)
    {
        var (repository, tag) = ImageReference.Split(image);
        foreach (var addon in Addons)
        {
            if (addon.Images.Any(i => ImageReference.Normalise(i) == repository))
            {
                return (addon, ReleaseLine(tag));
            }
        }
        return null;
    }

    /// <summary>"v1.15.1" and "1.15.1-debian" name line "1.15"; "latest" or a digest names none.</summary>
    internal static string? ReleaseLine(string? tag)
    {
        if (tag is null)
        {
            return null;
        }
        var s = tag.StartsWith('v') ? tag[1..] : tag;
        var parts = s.Split('.', 3);
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }
        var minorText = new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(minorText, NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? $"{major}.{minor}" : null;
    }

    public static AddonCatalog Load(string json)
    {
        var root = UpgradeData.Parse(json, FileName);
        var errors = new List<string>();
        var top = new FieldReader(root, "top level", errors);
        var schema = top.Int("schemaVersion");
        if (schema is not null and not 1)
        {
            top.Error($"schemaVersion {schema} is not supported (expected 1)");
        }
        var asOf = top.String("asOf");
        var items = top.Array("addons");
        top.RejectUnknown();

        var addons = new List<Addon>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var f = new FieldReader(items[i], $"addons[{i}]", errors);
            var name = f.String("name");
            f.Where = $"addons[{i}] ({name})";
            var images = f.Strings("images");
            var source = f.String("source");
            var releases = new List<AddonRelease>();
            var rows = f.Array("versions");
            f.RejectUnknown();
            for (var j = 0; j < rows.Count; j++)
            {
                var row = new FieldReader(rows[j], $"addons[{i}] ({name}) versions[{j}]", errors);
                var version = row.String("version");
                var kubernetes = new List<KubeVersion>();
                foreach (var k in row.Strings("kubernetes"))
                {
                    if (KubeVersion.TryParse(k, out var kv) && k.Count(c => c == '.') == 1)
                    {
                        kubernetes.Add(kv);
                    }
                    else
                    {
                        row.Error($"kubernetes entry '{k}' is not a Kubernetes minor version like \"1.31\"");
                    }
                }
                row.RejectUnknown();
                if (version is not null && ReleaseLine(version) != version)
                {
                    row.Error($"version '{version}' is not a release line like \"1.15\"");
                }
                else if (version is not null)
                {
                    if (releases.Any(r => r.Version == version))
                    {
                        row.Error($"version {version} appears more than once");
                    }
                    releases.Add(new AddonRelease(version, kubernetes));
                }
            }
            if (images.Count == 0)
            {
                f.Error("needs at least one image");
            }
            if (source is not null && !source.StartsWith("https://", StringComparison.Ordinal))
            {
                f.Error($"source '{source}' must be an https URL");
            }
            if (name is not null && !names.Add(name))
            {
                f.Error("appears more than once");
            }
            if (name is not null && source is not null)
            {
                addons.Add(new Addon(name, images, source, releases));
            }
        }
        if (errors.Count > 0)
        {
            throw new UpgradeDataException(FileName, errors);
        }
        return new AddonCatalog(asOf!, addons);
    }
}

/// <summary>Splits container image references the way the container runtime resolves them.</summary>
internal static class ImageReference
{
    /// <summary>The repository with its registry made explicit, and the tag (null when there is none).</summary>
    public static (string Repository, string? Tag) Split(string image)
    {
        var s = image.Trim();
        var at = s.IndexOf('@');
        if (at >= 0)
        {
            s = s[..at];
        }
        string? tag = null;
        var colon = s.LastIndexOf(':');
        if (colon > s.LastIndexOf('/'))
        {
            tag = s[(colon + 1)..];
            s = s[..colon];
        }
        return (Normalise(s), tag);
    }

    /// <summary>"calico/node" is docker.io/calico/node and "nginx" is docker.io/library/nginx, as Docker resolves them.</summary>
    public static string Normalise(string repository)
    {
        var slash = repository.IndexOf('/');
        var first = slash < 0 ? "" : repository[..slash];
        var hasRegistry = first.Contains('.') || first.Contains(':') || first == "localhost";
        if (!hasRegistry)
        {
            repository = slash < 0 ? $"docker.io/library/{repository}" : $"docker.io/{repository}";
        }
        else if (first == "index.docker.io")
        {
            repository = "docker.io" + repository[first.Length..];
        }
        return repository.ToLowerInvariant();
    }
}
