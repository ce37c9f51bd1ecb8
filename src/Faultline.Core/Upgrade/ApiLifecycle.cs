namespace Faultline.Core.Upgrade;

/// <summary>One built-in group/version/kind that was deprecated or stopped being served, and what replaces it.</summary>
public sealed record ApiLifecycleEntry
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    public required KubeVersion DeprecatedIn { get; init; }

    /// <summary>The first release that no longer serves it; null when no removal is scheduled in our data.</summary>
    public KubeVersion? RemovedIn { get; init; }

    /// <summary>The apiVersion to move to; null when there is no replacement API.</summary>
    public string? Replacement { get; init; }

    /// <summary>Set only when the kind changes too (v1 Endpoints becomes discovery.k8s.io/v1 EndpointSlice).</summary>
    public string? ReplacementKind { get; init; }

    public KubeVersion? ReplacementAvailableIn { get; init; }

    /// <summary>Behaviour changes beyond the rename; empty when there are none.</summary>
    public string Notes { get; init; } = "";

    public bool IsServedAt(KubeVersion version) => RemovedIn is not { } removed || version < removed;

    public bool IsDeprecatedAt(KubeVersion version) => DeprecatedIn <= version;

    /// <summary>"networking.k8s.io/v1", or "discovery.k8s.io/v1 EndpointSlice" when the kind changes, or null.</summary>
    public string? ReplacementText => Replacement is null ? null : ReplacementKind is null ? Replacement : $"{Replacement} {ReplacementKind}";

    public override string ToString() => $"{ApiVersion} {Kind}";
}

/// <summary>
/// Faultline's own table of Kubernetes API lifecycles (Upgrade/Data/api-lifecycle.json, see PROVENANCE.md there):
/// which built-in APIs each release deprecates or stops serving, from <see cref="FirstKnownRelease"/> to
/// <see cref="LastKnownRelease"/>.
/// </summary>
public sealed class ApiLifecycle
{
    public const string FileName = "api-lifecycle.json";

    private static readonly Lazy<ApiLifecycle> BuiltinData = new(() => Load(UpgradeData.Resource(FileName)));

    private readonly Dictionary<(string ApiVersion, string Kind), ApiLifecycleEntry> _byKey;

    private ApiLifecycle(KubeVersion first, KubeVersion last, IReadOnlyList<ApiLifecycleEntry> entries)
    {
        FirstKnownRelease = first;
        LastKnownRelease = last;
        Entries = entries;
        _byKey = entries.ToDictionary(e => (e.ApiVersion, e.Kind));
    }

    /// <summary>The data that ships with Faultline, parsed on first use.</summary>
    public static ApiLifecycle Builtin => BuiltinData.Value;

    /// <summary>The oldest release whose removals the data covers; a plan may start one minor before it.</summary>
    public KubeVersion FirstKnownRelease { get; }

    /// <summary>The newest release the data describes; nothing is known about later ones.</summary>
    public KubeVersion LastKnownRelease { get; }

    public IReadOnlyList<ApiLifecycleEntry> Entries { get; }

    /// <summary>The oldest release a plan can start from: one minor before the first release whose removals we know.</summary>
    public KubeVersion FirstPlannableRelease => FirstKnownRelease.Plus(-1);

    /// <summary>True for the releases the data can speak for, from <see cref="FirstPlannableRelease"/> to <see cref="LastKnownRelease"/>.</summary>
    public bool IsKnown(KubeVersion version) => version >= FirstPlannableRelease && version <= LastKnownRelease;

    /// <summary>
    /// Reads a version a person typed ("1.32", "v1.32.4") and checks the data covers it. The error names
    /// <paramref name="name"/> (the option or setting) and, always, the last version we know.
    /// </summary>
    public bool TryParseKnown(string text, string name, out KubeVersion version, out string? error)
    {
        error = null;
        if (!KubeVersion.TryParse(text, out version))
        {
            error = $"{name} '{text}' is not a Kubernetes version: write it as 1.32 or v1.32.4 (the last version Faultline knows is {LastKnownRelease})";
        }
        else if (version > LastKnownRelease && version.Major == LastKnownRelease.Major)
        {
            error = $"{name} {version} is beyond Faultline's API data: the last Kubernetes version it knows is {LastKnownRelease}";
        }
        else if (!IsKnown(version))
        {
            error = $"{name} {version}: unknown Kubernetes version; Faultline's API data covers {FirstPlannableRelease} to {LastKnownRelease}, the last version it knows";
        }
        return error is null;
    }

    /// <summary>The lifecycle of an apiVersion and kind. A FooList shares the lifecycle of Foo.</summary>
    public ApiLifecycleEntry? Find(string apiVersion, string kind)
    {
        if (_byKey.TryGetValue((apiVersion, kind), out var entry))
        {
            return entry;
        }
        return kind.Length > 4 && kind.EndsWith("List", StringComparison.Ordinal) && _byKey.TryGetValue((apiVersion, kind[..^4]), out var item)
            ? item
            : null;
    }

    /// <summary>Parses and validates the data; every problem is collected and thrown together.</summary>
    public static ApiLifecycle Load(string json)
    {
        var root = UpgradeData.Parse(json, FileName);
        var errors = new List<string>();
        var top = new FieldReader(root, "top level", errors);
        var schema = top.Int("schemaVersion");
        if (schema is not null and not 1)
        {
            top.Error($"schemaVersion {schema} is not supported (expected 1)");
        }
        var first = top.Version("firstKnownRelease");
        var last = top.Version("lastKnownRelease");
        var items = top.Array("apis");
        top.RejectUnknown();

        var entries = new List<ApiLifecycleEntry>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            var f = new FieldReader(items[i], $"apis[{i}]", errors);
            var apiVersion = f.String("apiVersion");
            var kind = f.String("kind");
            f.Where = $"apis[{i}] ({apiVersion} {kind})";
            var entry = ReadEntry(f, apiVersion, kind, last);
            if (entry is null)
            {
                continue;
            }
            if (!seen.Add((entry.ApiVersion, entry.Kind)))
            {
                f.Error("appears more than once");
                continue;
            }
            entries.Add(entry);
        }
        if (first is { } a && last is { } b && a > b)
        {
            top.Error($"firstKnownRelease {a} is after lastKnownRelease {b}");
        }
        if (errors.Count > 0)
        {
            throw new UpgradeDataException(FileName, errors);
        }
        return new ApiLifecycle(first!.Value, last!.Value, entries);
    }

    private static ApiLifecycleEntry? ReadEntry(FieldReader f, string? apiVersion, string? kind, KubeVersion? last)
    {
        var deprecated = f.Version("deprecatedIn");
        var removed = f.Version("removedIn", optional: true);
        var replacement = f.String("replacement", optional: true);
        var replacementKind = f.String("replacementKind", optional: true);
        var available = f.Version("replacementAvailableIn", optional: true);
        var notes = f.String("notes", allowEmpty: true);
        f.RejectUnknown();
        if (apiVersion is { } av && !(av == "v1" || (av.Contains('/') && !av.StartsWith('/') && !av.EndsWith('/'))))
        {
            f.Error($"apiVersion '{av}' is not group/version (or v1)");
        }
        if (replacement is null != available is null)
        {
            f.Error("replacement and replacementAvailableIn must be set together");
        }
        if (replacement is null && replacementKind is not null)
        {
            f.Error("replacementKind needs a replacement");
        }
        if (removed is { } r && deprecated is { } d && r < d)
        {
            f.Error($"removedIn {r} is before deprecatedIn {d}");
        }
        foreach (var (name, v) in new[] { ("deprecatedIn", deprecated), ("removedIn", removed), ("replacementAvailableIn", available) })
        {
            if (v is { } version && last is { } l && version > l)
            {
                f.Error($"{name} {version} is after lastKnownRelease {l}");
            }
        }
        if (apiVersion is null || kind is null || deprecated is null || notes is null)
        {
            return null;
        }
        return new ApiLifecycleEntry
        {
            ApiVersion = apiVersion,
            Kind = kind,
            DeprecatedIn = deprecated.Value,
            RemovedIn = removed,
            Replacement = replacement,
            ReplacementKind = replacementKind,
            ReplacementAvailableIn = available,
            Notes = notes.Trim(),
        };
    }
}
