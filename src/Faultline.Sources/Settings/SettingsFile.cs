using System.Globalization;
using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Rules;
using Faultline.Core.Settings;
using Faultline.Core.Upgrade;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Settings;

/// <summary>
/// Reads the project settings file (.faultline/settings.yaml, found by walking up from the input) into
/// <see cref="CheckSettings"/>. Every key is validated; problems come back with file and line.
/// </summary>
public static class SettingsFile
{
    public const string ProjectRelativePath = ".faultline/settings.yaml";

    /// <summary>The nearest .faultline/settings.yaml at or above <paramref name="start"/>, or null.</summary>
    public static string? Find(string start)
    {
        var dir = new DirectoryInfo(File.Exists(start) ? Path.GetDirectoryName(Path.GetFullPath(start))! : Path.GetFullPath(start));
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, ProjectRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        return null;
    }

    public static CheckSettings Load(string path, CheckSettings baseline, RuleCatalog catalog, List<InputDiagnostic> diagnostics)
    {
        var text = File.ReadAllText(path);
        var docs = YamlDocumentReader.Read(text, path, diagnostics);
        if (docs.Count == 0 || docs[0].Root is not MapNode root)
        {
            if (docs.Count > 0 && docs[0].Root is not ScalarNode { IsNull: true })
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, 1), "settings must be a mapping"));
            }
            return baseline;
        }
        return Apply(root, path, baseline, catalog, diagnostics);
    }

    public static CheckSettings Apply(MapNode root, string path, CheckSettings settings, RuleCatalog catalog, List<InputDiagnostic> diagnostics)
    {
        void Error(Node node, string message) => diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, node.Line), message));

        foreach (var (key, value) in root.Entries)
        {
            switch (key)
            {
                case "failOn":
                    if (value.Text is { } text && ParseFailOn(text, out var failOn))
                    {
                        settings = settings with { FailOn = failOn };
                    }
                    else
                    {
                        Error(value, $"failOn must be one of critical, high, medium, low, info, none (got '{value.Text}')");
                    }
                    break;
                case "disable" or "enable":
                    var ids = RuleIds(value, catalog, path, diagnostics);
                    settings = key == "disable"
                        ? settings with { Disabled = settings.Disabled.Union(ids).ToHashSet() }
                        : settings with { Enabled = settings.Enabled.Union(ids).ToHashSet() };
                    break;
                case "rules":
                    settings = ApplyRules(value, path, settings, catalog, diagnostics);
                    break;
                case "startupSeconds":
                    var startup = new Dictionary<string, int>(settings.StartupSeconds);
                    foreach (var (workload, seconds) in value.AsMap?.Entries ?? [])
                    {
                        if (int.TryParse(seconds.Text?.TrimEnd('s'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0)
                        {
                            startup[workload] = n;
                        }
                        else
                        {
                            Error(seconds, $"startupSeconds.{workload} must be a whole number of seconds");
                        }
                    }
                    settings = settings with { StartupSeconds = startup };
                    break;
                case "ignorePaths":
                    settings = settings with { IgnorePaths = settings.IgnorePaths.Union(((value as ListNode)?.Items ?? [value]).Select(i => i.Text).OfType<string>()).ToList() };
                    break;
                case "kubernetesVersion":
                    if (ApiLifecycle.Builtin.TryParseKnown(value.Text ?? "", "kubernetesVersion", out var version, out var versionError))
                    {
                        settings = settings with { KubernetesVersion = version };
                    }
                    else
                    {
                        Error(value, versionError!);
                    }
                    break;
                default:
                    diagnostics.Add(new(DiagnosticLevel.Warning, new SourceLocation(path, value.Line), $"unknown setting '{key}'; ignored"));
                    break;
            }
        }
        return settings;
    }

    public static bool ParseFailOn(string text, out Severity? failOn)
    {
        failOn = null;
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (Severities.TryParse(text, out var s))
        {
            failOn = s;
            return true;
        }
        return false;
    }

    private static List<string> RuleIds(Node value, RuleCatalog catalog, string path, List<InputDiagnostic> diagnostics)
    {
        var items = value is ListNode l ? l.Items : [value];
        var ids = new List<string>();
        foreach (var item in items)
        {
            if (item.Text is not { } id)
            {
                continue;
            }
            if (!catalog.Contains(id))
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, item.Line), $"unknown rule '{id}' (see `faultline rules`)"));
                continue;
            }
            ids.Add(id);
        }
        return ids;
    }

    private static CheckSettings ApplyRules(Node value, string path, CheckSettings settings, RuleCatalog catalog, List<InputDiagnostic> diagnostics)
    {
        var severities = new Dictionary<string, Severity>(settings.SeverityOverrides);
        var parameters = settings.RuleParameters.ToDictionary(kv => kv.Key, kv => new Dictionary<string, IReadOnlyList<string>>(kv.Value));
        var disabled = settings.Disabled.ToHashSet();
        foreach (var (id, body) in value.AsMap?.Entries ?? [])
        {
            if (catalog.Find(id) is not { } rule)
            {
                diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, body.Line), $"unknown rule '{id}' (see `faultline rules`)"));
                continue;
            }
            foreach (var (name, v) in body.AsMap?.Entries ?? [])
            {
                if (name == "severity")
                {
                    if (v.Text is { } t && Severities.TryParse(t, out var sev))
                    {
                        severities[id] = sev;
                    }
                    else
                    {
                        diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, v.Line), $"rules.{id}.severity must be critical, high, medium, low or info"));
                    }
                }
                else if (name == "enabled")
                {
                    if (v.Text == "false")
                    {
                        disabled.Add(id);
                    }
                }
                else if (rule.Info.Parameters?.Any(p => p.Name == name) == true)
                {
                    var list = v is ListNode items ? items.Items.Select(i => i.Text ?? "").ToList() : [v.Text ?? ""];
                    if (!parameters.TryGetValue(id, out var p))
                    {
                        parameters[id] = p = new Dictionary<string, IReadOnlyList<string>>();
                    }
                    p[name] = list;
                }
                else
                {
                    diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, v.Line), $"rule {id} has no parameter '{name}'"));
                }
            }
        }
        return settings with
        {
            SeverityOverrides = severities,
            Disabled = disabled,
            RuleParameters = parameters.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, IReadOnlyList<string>>)kv.Value),
        };
    }
}
