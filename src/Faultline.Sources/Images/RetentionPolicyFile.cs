using System.Globalization;
using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Images;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Images;

/// <summary>What a policy file says; Keep and KeepWithin stay null when its defaults do not set them.</summary>
public sealed record RetentionPolicyFileContent
{
    public static readonly RetentionPolicyFileContent Empty = new();

    public int? Keep { get; init; }

    public TimeSpan? KeepWithin { get; init; }

    public IReadOnlyList<Regex> KeepTags { get; init; } = [];

    public IReadOnlyList<string> Protect { get; init; } = [];

    public IReadOnlyList<RetentionRule> Rules { get; init; } = [];
}

/// <summary>
/// Reads an images retention policy:
/// <code>
/// defaults: {keep: 3, keepWithin: 7d, protect: [stable]}
/// rules:
///   - repositories: [shop/*]          # globs: * within a path segment, ** across, ? one character
///     keep: 5
///     keepWithin: 14d
///     keepTags: ['^v\d+\.\d+\.\d+$']  # regexes matched against the tag
///     protect: [release-2024, sha256:4f1c...]
/// </code>
/// The first rule whose pattern matches a repository applies to it. Every key is checked; problems come back with
/// file and line.
/// </summary>
public static class RetentionPolicyFile
{
    private static readonly string[] TopKeys = ["defaults", "rules"];
    private static readonly string[] DefaultKeys = ["keep", "keepWithin", "keepTags", "protect"];
    private static readonly string[] RuleKeys = ["repositories", "keep", "keepWithin", "keepTags", "protect"];

    public static RetentionPolicyFileContent Load(string path, List<InputDiagnostic> diagnostics) =>
        Parse(File.ReadAllText(path), path, diagnostics);

    public static RetentionPolicyFileContent Parse(string text, string file, List<InputDiagnostic> diagnostics)
    {
        void Error(Node node, string message) => diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, node.Line), message));

        var docs = YamlDocumentReader.Read(text, file, diagnostics);
        if (docs.Count == 0 || docs[0].Root is ScalarNode { IsNull: true })
        {
            return RetentionPolicyFileContent.Empty;
        }
        if (docs[0].Root is not MapNode root)
        {
            Error(docs[0].Root, "a retention policy must be a mapping with defaults and rules");
            return RetentionPolicyFileContent.Empty;
        }
        var content = RetentionPolicyFileContent.Empty;
        foreach (var (key, value) in root.Entries)
        {
            switch (key)
            {
                case "defaults":
                    if (value is MapNode defaults)
                    {
                        Unknown(defaults, DefaultKeys, "defaults", Error);
                        content = content with
                        {
                            Keep = Keep(defaults, "defaults", Error),
                            KeepWithin = KeepWithin(defaults, "defaults", Error),
                            KeepTags = KeepTags(defaults, "defaults", Error),
                            Protect = Strings(defaults["protect"], "defaults.protect", Error),
                        };
                    }
                    else if (value is not ScalarNode { IsNull: true })
                    {
                        Error(value, "defaults must be a mapping (keep, keepWithin, keepTags, protect)");
                    }
                    break;
                case "rules":
                    if (value is ListNode list)
                    {
                        content = content with { Rules = Rules(list, file, Error) };
                    }
                    else if (value is not ScalarNode { IsNull: true })
                    {
                        Error(value, "rules must be a list of rules, each with repositories and what to keep");
                    }
                    break;
                default:
                    Error(value, $"unknown key '{key}' (known: {string.Join(", ", TopKeys)})");
                    break;
            }
        }
        return content;
    }

    private static List<RetentionRule> Rules(ListNode list, string file, Action<Node, string> error)
    {
        var rules = new List<RetentionRule>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var where = $"rules[{i}]";
            if (list.Items[i] is not MapNode map)
            {
                error(list.Items[i], $"{where} must be a mapping with repositories and what to keep");
                continue;
            }
            Unknown(map, RuleKeys, where, error);
            var patterns = Strings(map["repositories"], $"{where}.repositories", error);
            if (patterns.Count == 0)
            {
                error(map, $"{where} needs repositories: a repository name or glob, or a list of them (e.g. shop/*)");
                continue;
            }
            var rule = new RetentionRule
            {
                Pattern = "",
                Keep = Keep(map, where, error),
                KeepWithin = KeepWithin(map, where, error),
                KeepTags = KeepTags(map, where, error),
                Protect = Strings(map["protect"], $"{where}.protect", error),
                Origin = $"{file}:{map.Line}",
            };
            rules.AddRange(patterns.Select(p => rule with { Pattern = p }));
        }
        return rules;
    }

    private static void Unknown(MapNode map, string[] known, string where, Action<Node, string> error)
    {
        foreach (var (key, value) in map.Entries.Where(e => !known.Contains(e.Key)))
        {
            error(value, $"{where}: unknown key '{key}' (known: {string.Join(", ", known)})");
        }
    }

    private static int? Keep(MapNode map, string where, Action<Node, string> error)
    {
        if (map["keep"] is not { } node)
        {
            return null;
        }
        if (int.TryParse(node.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var keep))
        {
            return keep;
        }
        error(node, $"{where}.keep must be a whole number of images, 0 or more (got '{node.Text}')");
        return null;
    }

    private static TimeSpan? KeepWithin(MapNode map, string where, Action<Node, string> error)
    {
        if (map["keepWithin"] is not { } node)
        {
            return null;
        }
        if (node.Text is { } text && RetentionAge.Parse(text) is { } age)
        {
            return age;
        }
        error(node, $"{where}.keepWithin must be an age such as 7d, 12h, 2w or 1d12h (got '{node.Text}')");
        return null;
    }

    private static List<Regex> KeepTags(MapNode map, string where, Action<Node, string> error)
    {
        var result = new List<Regex>();
        var items = map["keepTags"] switch
        {
            null => [],
            ListNode list => list.Items,
            var one => [one],
        };
        foreach (var item in items)
        {
            if (item.Text is not { Length: > 0 } pattern)
            {
                error(item, $"{where}.keepTags must be a regex or a list of regexes");
                continue;
            }
            if (Compile(pattern, out var regex, out var problem))
            {
                result.Add(regex);
            }
            else
            {
                error(item, $"{where}.keepTags: '{pattern}' is not a valid regex: {problem}");
            }
        }
        return result;
    }

    /// <summary>A keep-tags regex as .NET reads it, with a timeout so a pathological one cannot hang a plan.</summary>
    public static bool Compile(string pattern, out Regex regex, out string? problem)
    {
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            problem = null;
            return true;
        }
        catch (ArgumentException e)
        {
            regex = null!;
            problem = e.Message;
            return false;
        }
    }

    private static List<string> Strings(Node? node, string where, Action<Node, string> error)
    {
        var items = node switch
        {
            null or ScalarNode { IsNull: true } => [],
            ListNode list => list.Items,
            var one => [one],
        };
        var result = new List<string>();
        foreach (var item in items)
        {
            if (item is ScalarNode { IsNull: false } s && s.Value.Trim().Length > 0)
            {
                result.Add(s.Value.Trim());
            }
            else
            {
                error(item, $"{where} must be a string or a list of strings");
            }
        }
        return result;
    }
}
