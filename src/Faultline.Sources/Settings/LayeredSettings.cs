using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Settings;

/// <summary>Where a setting came from, lowest precedence first.</summary>
public enum SettingsScope
{
    User,
    Project,
    Local,
    CommandLine,
    Managed,
}

/// <summary>How values of one key from several scopes combine.</summary>
public enum MergeStrategy
{
    /// <summary>The highest scope wins.</summary>
    Scalar,

    /// <summary>Every scope's items count (disable, enable, ignorePaths).</summary>
    Union,

    /// <summary>The highest scope's whole list wins (rule parameters).</summary>
    Replace,
}

/// <summary>One key as one scope sets it.</summary>
public sealed record SettingValue(string Key, Node Value, SettingsScope Scope, SourceLocation Location)
{
    public string Text => Value is ListNode l ? "[" + string.Join(", ", l.Items.Select(Show)) + "]" : Show(Value);

    private static string Show(Node n) => n switch
    {
        MapNode m => m.Str("key") is { } key ? key + (m.Str("enforcement") is { } e ? $" ({e})" : "") : "{...}",
        _ => n.Text ?? "",
    };
}

/// <summary>A lower scope's attempt to change a key the managed scope locked.</summary>
public sealed record LockAttempt(string Key, string LockedKey, SettingsScope Scope, SourceLocation Location, string Enforcement, string Value);

/// <summary>The value a key ends with, who set it, and what it overrode.</summary>
public sealed record EffectiveSetting(
    string Key,
    string Value,
    SettingsScope Scope,
    SourceLocation Location,
    MergeStrategy Strategy,
    string? LockedBy,
    IReadOnlyList<SettingValue> Contributors,
    IReadOnlyList<SettingValue> Overridden);

/// <summary>The files each scope is read from; null when the scope has none.</summary>
public sealed record SettingsSources(string? Managed, string? User, string? Project, string? Local)
{
    public const string ManagedDefault = "/etc/faultline/managed.yaml";

    /// <summary>The standard places: managed from FAULTLINE_MANAGED_SETTINGS or /etc, user from XDG_CONFIG_HOME or ~/.config,
    /// project and local from the nearest .faultline folder at or above <paramref name="start"/>.</summary>
    public static SettingsSources Discover(string start)
    {
        var managed = Environment.GetEnvironmentVariable("FAULTLINE_MANAGED_SETTINGS") is { Length: > 0 } m ? m : ManagedDefault;
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x
            ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        var user = Path.Combine(xdg, "faultline", "settings.yaml");
        var folder = FindFaultlineFolder(start) is { } found ? Shorten(found) : null;
        return new SettingsSources(
            File.Exists(managed) ? managed : null,
            File.Exists(user) ? user : null,
            folder is not null && File.Exists(Path.Combine(folder, "settings.yaml")) ? Path.Combine(folder, "settings.yaml") : null,
            folder is not null && File.Exists(Path.Combine(folder, "settings.local.yaml")) ? Path.Combine(folder, "settings.local.yaml") : null);
    }

    /// <summary>A path relative to the working folder when it is inside it, as users like to read it.</summary>
    private static string Shorten(string full)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    private static string? FindFaultlineFolder(string start)
    {
        var full = Path.GetFullPath(start);
        var dir = new DirectoryInfo(File.Exists(full) ? Path.GetDirectoryName(full)! : full);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, ".faultline");
            if (File.Exists(Path.Combine(candidate, "settings.yaml")) || File.Exists(Path.Combine(candidate, "settings.local.yaml")))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        return null;
    }
}

/// <summary>
/// Settings from every scope merged per key. Scalars take the highest scope; `disable`, `enable` and `ignorePaths`
/// are unions; rule parameters are replaced whole; maps (rules, startupSeconds) merge by key. The managed scope can
/// lock keys: a lower scope that tries to change a locked key (or anything under it) does not win, and the attempt
/// is an error (enforce), a warning (warn) or a record in JSON output only (audit).
/// </summary>
public sealed partial class LayeredSettings
{
    private static readonly string[] TopLevelKeys = ["failOn", "disable", "enable", "ignorePaths", "rules", "startupSeconds", "kubernetesVersion", "locked", "enforcement"];
    private static readonly string[] ManagedOnly = ["locked", "enforcement"];
    private static readonly string[] Enforcements = ["enforce", "warn", "audit"];

    private readonly Dictionary<string, EffectiveSetting> _effective;

    private LayeredSettings(CheckSettings settings, Dictionary<string, EffectiveSetting> effective, IReadOnlyList<LockAttempt> attempts, IReadOnlyList<SettingValue> all)
    {
        Settings = settings;
        _effective = effective;
        Attempts = attempts;
        All = all;
    }

    public CheckSettings Settings { get; }

    public IReadOnlyList<LockAttempt> Attempts { get; }

    /// <summary>Every value of every scope, in scope order.</summary>
    public IReadOnlyList<SettingValue> All { get; }

    public IEnumerable<EffectiveSetting> Effective => _effective.Values.OrderBy(e => e.Key, StringComparer.Ordinal);

    public EffectiveSetting? Find(string key) => _effective.GetValueOrDefault(key);

    public static MergeStrategy StrategyOf(string key) => key switch
    {
        "disable" or "enable" or "ignorePaths" => MergeStrategy.Union,
        _ when key.StartsWith("rules.", StringComparison.Ordinal) && !key.EndsWith(".severity", StringComparison.Ordinal) && !key.EndsWith(".enabled", StringComparison.Ordinal) => MergeStrategy.Replace,
        _ => MergeStrategy.Scalar,
    };

    /// <summary>Reads every scope, merges, applies locks, and materialises the check settings.</summary>
    public static LayeredSettings Load(SettingsSources sources, IReadOnlyList<SettingValue> commandLine, RuleCatalog catalog, List<InputDiagnostic> diagnostics)
    {
        var values = new List<SettingValue>();
        var locks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (scope, file) in new[] { (SettingsScope.User, sources.User), (SettingsScope.Project, sources.Project), (SettingsScope.Local, sources.Local), (SettingsScope.Managed, sources.Managed) })
        {
            if (file is null)
            {
                continue;
            }
            if (Read(file, scope, catalog, diagnostics, locks) is { } read)
            {
                values.AddRange(read);
            }
        }
        values.AddRange(commandLine);
        values = values.OrderBy(v => (int)v.Scope).ToList();

        var attempts = new List<LockAttempt>();
        var effective = new Dictionary<string, EffectiveSetting>(StringComparer.Ordinal);
        foreach (var group in values.GroupBy(v => v.Key))
        {
            var key = group.Key;
            var strategy = StrategyOf(key);
            var lockedBy = locks.Keys.FirstOrDefault(l => Covers(l, key));
            var accepted = new List<SettingValue>();
            foreach (var v in group)
            {
                if (lockedBy is not null && v.Scope != SettingsScope.Managed && !ManagedOnly.Contains(key))
                {
                    Attempt(v, key, lockedBy, locks[lockedBy]);
                    continue;
                }
                accepted.Add(v);
            }
            if (accepted.Count == 0)
            {
                continue;
            }
            var winner = accepted[^1];
            var value = strategy == MergeStrategy.Union
                ? "[" + string.Join(", ", UnionItems(accepted).Select(i => i.Text)) + "]"
                : winner.Text;
            effective[key] = new EffectiveSetting(key, Mask(key, value), winner.Scope, winner.Location, strategy, lockedBy, accepted,
                strategy == MergeStrategy.Union ? [] : accepted.Take(accepted.Count - 1).ToList());
        }

        // Disabling a rule touches that rule, so a locked rule cannot be disabled from below either.
        foreach (var key in new[] { "disable", "enable" })
        {
            if (!effective.TryGetValue(key, out var list))
            {
                continue;
            }
            var kept = new List<SettingValue>();
            foreach (var v in list.Contributors)
            {
                var items = (v.Value as ListNode)?.Items ?? [v.Value];
                var allowed = new List<Node>();
                foreach (var item in items)
                {
                    var target = $"rules.{item.Text}.enabled";
                    var lockedBy = locks.Keys.FirstOrDefault(l => Covers(l, target));
                    if (lockedBy is not null && v.Scope != SettingsScope.Managed)
                    {
                        Attempt(v with { Value = item, Location = v.Location with { Line = item.Line > 0 ? item.Line : v.Location.Line } }, $"{key}: {item.Text}", lockedBy, locks[lockedBy]);
                        continue;
                    }
                    allowed.Add(item);
                }
                kept.Add(v with { Value = new ListNode(v.Value.Line, allowed) });
            }
            effective[key] = list with
            {
                Contributors = kept,
                Value = "[" + string.Join(", ", UnionItems(kept).Select(i => i.Text)) + "]",
            };
        }

        var settings = Materialize(effective, catalog, diagnostics);
        return new LayeredSettings(settings, effective, attempts, values);

        void Attempt(SettingValue v, string key, string lockedBy, string enforcement)
        {
            var attempt = new LockAttempt(key, lockedBy, v.Scope, v.Location, enforcement, Mask(key, v.Text));
            attempts.Add(attempt);
            var message = $"{key} is locked by the managed settings ({lockedBy}); the {ScopeName(v.Scope)} value {attempt.Value} is ignored";
            if (enforcement == "enforce")
            {
                diagnostics.Add(new(DiagnosticLevel.Error, v.Location, message));
            }
            else if (enforcement == "warn")
            {
                diagnostics.Add(new(DiagnosticLevel.Warning, v.Location, message));
            }
        }
    }

    public static string ScopeName(SettingsScope scope) => scope switch
    {
        SettingsScope.CommandLine => "command line",
        _ => scope.ToString().ToLowerInvariant(),
    };

    private static bool Covers(string locked, string key) =>
        key == locked || key.StartsWith(locked + ".", StringComparison.Ordinal);

    private static IEnumerable<Node> UnionItems(IEnumerable<SettingValue> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            foreach (var item in (v.Value as ListNode)?.Items ?? [v.Value])
            {
                if (item.Text is { } t && seen.Add(t))
                {
                    yield return item;
                }
            }
        }
    }

    /// <summary>Reads one scope's file into flat keys; validates names and types, recording locks of the managed scope.</summary>
    private static List<SettingValue>? Read(string file, SettingsScope scope, RuleCatalog catalog, List<InputDiagnostic> diagnostics, Dictionary<string, string> locks)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, 0), $"cannot read settings: {e.Message}"));
            return null;
        }
        var docs = YamlDocumentReader.Read(text, file, diagnostics);
        if (docs.Count == 0 || docs[0].Root is ScalarNode { IsNull: true })
        {
            return [];
        }
        if (docs[0].Root is not MapNode root)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, docs[0].Line), "settings must be a mapping of keys to values"));
            return null;
        }
        var values = new List<SettingValue>();
        void Add(string key, Node node) => values.Add(new SettingValue(key, node, scope, new SourceLocation(file, node.Line)));
        void Error(Node node, string message) => diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, node.Line), message));

        var defaultEnforcement = root.Str("enforcement") ?? "enforce";
        foreach (var (key, value) in root.Entries)
        {
            if (!TopLevelKeys.Contains(key))
            {
                var suggestion = Suggest(key, TopLevelKeys);
                Error(value, $"unknown setting '{key}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                continue;
            }
            if (ManagedOnly.Contains(key) && scope != SettingsScope.Managed)
            {
                Error(value, $"'{key}' can only be set in the managed settings");
                continue;
            }
            switch (key)
            {
                case "failOn" or "kubernetesVersion":
                    if (value is not ScalarNode)
                    {
                        Error(value, $"{key} must be a single value");
                        continue;
                    }
                    if (key == "failOn" && !SettingsFile.ParseFailOn(value.Text ?? "", out _))
                    {
                        Error(value, $"failOn must be one of critical, high, medium, low, info, none (got '{value.Text}')");
                        continue;
                    }
                    if (key == "kubernetesVersion" && !Faultline.Core.Upgrade.ApiLifecycle.Builtin.TryParseKnown(value.Text ?? "", key, out _, out var versionError))
                    {
                        Error(value, versionError!);
                        continue;
                    }
                    Add(key, value);
                    break;
                case "disable" or "enable" or "ignorePaths":
                    var items = value is ListNode list ? list : new ListNode(value.Line, [value]);
                    if (key != "ignorePaths")
                    {
                        foreach (var item in items.Items.Where(i => i.Text is { } id && !catalog.Contains(id)))
                        {
                            var suggestion = Suggest(item.Text!, catalog.Rules.Select(r => r.Info.Id));
                            Error(item, $"unknown rule '{item.Text}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                        }
                    }
                    Add(key, new ListNode(items.Line, items.Items.Where(i => key == "ignorePaths" || i.Text is { } id && catalog.Contains(id)).ToList()));
                    break;
                case "startupSeconds":
                    foreach (var (workload, seconds) in value.AsMap?.Entries ?? [])
                    {
                        if (seconds is not ScalarNode || !int.TryParse(seconds.Text?.TrimEnd('s'), out var n) || n < 0)
                        {
                            Error(seconds, $"startupSeconds.{workload} must be a whole number of seconds");
                            continue;
                        }
                        Add($"startupSeconds.{workload}", seconds);
                    }
                    if (value is not MapNode)
                    {
                        Error(value, "startupSeconds must be a mapping of workload names to seconds");
                    }
                    break;
                case "rules":
                    foreach (var (id, body) in value.AsMap?.Entries ?? [])
                    {
                        if (catalog.Find(id) is not { } rule)
                        {
                            var suggestion = Suggest(id, catalog.Rules.Select(r => r.Info.Id));
                            Error(body, $"unknown rule '{id}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                            continue;
                        }
                        foreach (var (name, v) in body.AsMap?.Entries ?? [])
                        {
                            if (name == "severity" && !Faultline.Core.Findings.Severities.TryParse(v.Text ?? "", out _))
                            {
                                Error(v, $"rules.{id}.severity must be critical, high, medium, low or info (got '{v.Text}')");
                            }
                            else if (name == "enabled" && v.Text is not ("true" or "false"))
                            {
                                Error(v, $"rules.{id}.enabled must be true or false (got '{v.Text}')");
                            }
                            else if (name is "severity" or "enabled" || rule.Info.Parameters?.Any(p => p.Name == name) == true)
                            {
                                Add($"rules.{id}.{name}", v);
                            }
                            else
                            {
                                var known = new[] { "severity", "enabled" }.Concat(rule.Info.Parameters?.Select(p => p.Name) ?? []);
                                var suggestion = Suggest(name, known);
                                Error(v, $"rule {id} has no setting '{name}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                            }
                        }
                    }
                    break;
                case "locked":
                    foreach (var item in (value as ListNode)?.Items ?? [value])
                    {
                        var lockedKey = item is MapNode m ? m.Str("key") : item.Text;
                        var enforcement = item is MapNode mm ? mm.Str("enforcement") ?? defaultEnforcement : defaultEnforcement;
                        if (lockedKey is null)
                        {
                            Error(item, "a lock needs a key");
                            continue;
                        }
                        if (!Enforcements.Contains(enforcement))
                        {
                            Error(item, $"enforcement must be enforce, warn or audit (got '{enforcement}')");
                            continue;
                        }
                        locks[lockedKey] = enforcement;
                    }
                    Add(key, value);
                    break;
                case "enforcement":
                    if (!Enforcements.Contains(value.Text ?? ""))
                    {
                        Error(value, $"enforcement must be enforce, warn or audit (got '{value.Text}')");
                    }
                    break;
            }
        }
        return values;
    }

    /// <summary>Turns the merged keys into the settings a check runs with.</summary>
    private static CheckSettings Materialize(Dictionary<string, EffectiveSetting> effective, RuleCatalog catalog, List<InputDiagnostic> diagnostics)
    {
        var rules = new Dictionary<string, MapNode>(StringComparer.Ordinal);
        var entries = new List<KeyValuePair<string, Node>>();
        var startup = new List<KeyValuePair<string, Node>>();
        foreach (var e in effective.Values)
        {
            var winner = e.Contributors[^1];
            if (e.Key.StartsWith("rules.", StringComparison.Ordinal))
            {
                var rest = e.Key["rules.".Length..];
                var dot = rest.LastIndexOf('.');
                var id = rest[..dot];
                var name = rest[(dot + 1)..];
                var existing = rules.GetValueOrDefault(id)?.Entries ?? [];
                rules[id] = new MapNode(0, existing.Append(new(name, winner.Value)).ToList());
            }
            else if (e.Key.StartsWith("startupSeconds.", StringComparison.Ordinal))
            {
                startup.Add(new(e.Key["startupSeconds.".Length..], winner.Value));
            }
            else if (e.Strategy == MergeStrategy.Union)
            {
                entries.Add(new(e.Key, new ListNode(0, UnionItems(e.Contributors).ToList())));
            }
            else if (e.Key is not ("locked" or "enforcement"))
            {
                entries.Add(new(e.Key, winner.Value));
            }
        }
        if (rules.Count > 0)
        {
            entries.Add(new("rules", new MapNode(0, rules.Select(kv => new KeyValuePair<string, Node>(kv.Key, kv.Value)).ToList())));
        }
        if (startup.Count > 0)
        {
            entries.Add(new("startupSeconds", new MapNode(0, startup)));
        }
        // Every value was validated where it was read; this pass only maps keys to the settings record.
        var ignored = new List<InputDiagnostic>();
        return SettingsFile.Apply(new MapNode(0, entries), "settings", CheckSettings.Default, catalog, ignored);
    }

    [GeneratedRegex("(?i)(password|passwd|secret|token|apikey|api_key|credential|connectionstring|private_?key)")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)(://[^/\s:@]+:[^@\s]+@|password=|pwd=|accountkey=|sharedaccesskey=)")]
    private static partial Regex SecretValue();

    /// <summary>Secret-looking values (by key name or by shape) shown as ****.</summary>
    public static string Mask(string key, string value) =>
        SecretName().IsMatch(key) || SecretValue().IsMatch(value) ? "****" : value;

    /// <summary>The closest known name, when it is close enough to be a typo.</summary>
    public static string? Suggest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(name.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
