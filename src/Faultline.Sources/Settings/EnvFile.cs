using System.Globalization;
using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Settings;

/// <summary>
/// Reads `.faultline/env.yaml`: how namespaces of one environment correspond to the other's, the differences that
/// are there on purpose, and the thresholds that rank differences. Every key is checked; an unknown one is an
/// error with the closest known key suggested, a wrong type an error naming file and line. A file that decides
/// what a report leaves out should not be half understood.
/// </summary>
public static class EnvFile
{
    public const string ProjectRelativePath = ".faultline/env.yaml";

    private static readonly string[] TopKeys = ["namespaces", "ignore", "thresholds"];
    private static readonly string[] IgnoreKeys = ["hostnames", "replicaRatio", "keys", "differences"];
    private static readonly string[] DifferenceKeys = ["class", "object", "field", "reason"];
    private static readonly string[] ThresholdKeys = ["timeoutHighRatio", "memoryLimitRatio"];

    /// <summary>The nearest .faultline/env.yaml at or above <paramref name="start"/>, or null.</summary>
    public static string? Find(string start)
    {
        var full = Path.GetFullPath(start);
        var dir = new DirectoryInfo(File.Exists(full) ? Path.GetDirectoryName(full)! : full);
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

    /// <summary>Reads the file into options; problems are added to <paramref name="diagnostics"/> with file and line.</summary>
    public static EnvDiffOptions Load(string path, List<InputDiagnostic> diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(path, 0), $"cannot read: {e.Message}"));
            return EnvDiffOptions.Default;
        }
        return Parse(text, path, diagnostics);
    }

    public static EnvDiffOptions Parse(string text, string path, List<InputDiagnostic> diagnostics)
    {
        var docs = YamlDocumentReader.Read(text, path, diagnostics);
        if (docs.Count == 0 || docs[0].Root is ScalarNode { IsNull: true })
        {
            return EnvDiffOptions.Default;
        }
        var reader = new Reader(path, diagnostics);
        if (docs[0].Root is not MapNode root)
        {
            reader.Error(docs[0].Root, "env.yaml must be a mapping (keys: namespaces, ignore, thresholds)");
            return EnvDiffOptions.Default;
        }
        return reader.Read(root);
    }

    private sealed class Reader(string path, List<InputDiagnostic> diagnostics)
    {
        public void Error(Node node, string message) => diagnostics.Add(new(DiagnosticLevel.Error, Where(node), message));

        private SourceLocation Where(Node node) => new(path, node.Line);

        public EnvDiffOptions Read(MapNode root)
        {
            var options = EnvDiffOptions.Default;
            foreach (var (key, value) in root.Entries)
            {
                switch (key)
                {
                    case "namespaces":
                        options = options with { NamespaceMap = Namespaces(value) };
                        break;
                    case "ignore":
                        options = options with { Expected = Ignore(value) };
                        break;
                    case "thresholds":
                        options = Thresholds(value, options);
                        break;
                    default:
                        Unknown(value, key, "", TopKeys);
                        break;
                }
            }
            return options;
        }

        private void Unknown(Node at, string key, string parent, string[] known)
        {
            var hint = Suggestions.Closest(key, known) is { } s ? $"; did you mean '{s}'?" : $" (known keys: {string.Join(", ", known)})";
            Error(at, $"unknown key '{(parent.Length > 0 ? parent + "." : "")}{key}'{hint}");
        }

        private MapNode? Map(Node node, string name)
        {
            if (node is MapNode map)
            {
                return map;
            }
            if (node is not ScalarNode { IsNull: true })
            {
                Error(node, $"{name} must be a mapping");
            }
            return null;
        }

        private Dictionary<string, string> Namespaces(Node node)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (from, to) in Map(node, "namespaces")?.Entries ?? [])
            {
                if (to is ScalarNode { IsNull: false } s && s.Value.Length > 0)
                {
                    map[from] = s.Value;
                }
                else
                {
                    Error(to, $"namespaces.{from} must be a namespace name (the namespace in the second environment)");
                }
            }
            return map;
        }

        private EnvExpectations Ignore(Node node)
        {
            var expected = EnvExpectations.None;
            foreach (var (key, value) in Map(node, "ignore")?.Entries ?? [])
            {
                switch (key)
                {
                    case "hostnames":
                        if (Bool(value) is { } on)
                        {
                            expected = expected with { Hostnames = on ? Where(value) : null };
                        }
                        else
                        {
                            Error(value, $"ignore.hostnames must be true or false (got '{value.Text ?? "a " + Shape(value)}')");
                        }
                        break;
                    case "replicaRatio":
                        if (Number(value) is { } ratio && ratio >= 1)
                        {
                            expected = expected with { ReplicaRatio = (ratio, Where(value)) };
                        }
                        else
                        {
                            Error(value, $"ignore.replicaRatio must be a number of at least 1, e.g. 3 to accept 1 vs 3 replicas (got '{value.Text ?? "a " + Shape(value)}')");
                        }
                        break;
                    case "keys":
                        expected = expected with { Keys = Keys(value) };
                        break;
                    case "differences":
                        expected = expected with { Differences = Differences(value) };
                        break;
                    default:
                        Unknown(value, key, "ignore", IgnoreKeys);
                        break;
                }
            }
            return expected;
        }

        private List<(string, SourceLocation)> Keys(Node node)
        {
            var keys = new List<(string, SourceLocation)>();
            if (node is not ListNode list)
            {
                Error(node, "ignore.keys must be a list of env var or ConfigMap key names, e.g. [LOG_LEVEL, OTEL_*]");
                return keys;
            }
            foreach (var item in list.Items)
            {
                if (item is ScalarNode { IsNull: false } s && s.Value.Length > 0)
                {
                    keys.Add((s.Value, Where(s)));
                }
                else
                {
                    Error(item, $"ignore.keys entries must be names (got a {Shape(item)})");
                }
            }
            return keys;
        }

        private List<ExpectedRule> Differences(Node node)
        {
            var rules = new List<ExpectedRule>();
            if (node is not ListNode list)
            {
                Error(node, "ignore.differences must be a list of {class, object, field, reason} entries");
                return rules;
            }
            foreach (var item in list.Items)
            {
                if (item is not MapNode entry)
                {
                    Error(item, $"ignore.differences entries must be mappings with class, object, field and reason (got a {Shape(item)})");
                    continue;
                }
                DiffClass? cls = null;
                string? obj = null, field = null, reason = null;
                var ok = true;
                foreach (var (key, value) in entry.Entries)
                {
                    if (!DifferenceKeys.Contains(key))
                    {
                        Unknown(value, key, "ignore.differences[]", DifferenceKeys);
                        ok = false;
                        continue;
                    }
                    if (value is not ScalarNode { IsNull: false } s)
                    {
                        Error(value, $"ignore.differences[].{key} must be text (got a {Shape(value)})");
                        ok = false;
                        continue;
                    }
                    switch (key)
                    {
                        case "class":
                            if (DiffClasses.TryParse(s.Value, out var c))
                            {
                                cls = c;
                            }
                            else
                            {
                                var hint = Suggestions.Closest(s.Value, DiffClasses.Names.ToArray()) is { } near ? $"; did you mean '{near}'?" : "";
                                Error(s, $"unknown class '{s.Value}'{hint} (classes: {string.Join(", ", DiffClasses.Names)})");
                                ok = false;
                            }
                            break;
                        case "object":
                            obj = s.Value;
                            break;
                        case "field":
                            field = s.Value;
                            break;
                        default:
                            reason = s.Value;
                            break;
                    }
                }
                if (ok && cls is null && obj is null && field is null)
                {
                    Error(entry, "an ignore.differences entry needs at least one of class, object and field; alone it would hide everything");
                    ok = false;
                }
                if (ok)
                {
                    rules.Add(new ExpectedRule(cls, obj, field, reason, Where(entry)));
                }
            }
            return rules;
        }

        private EnvDiffOptions Thresholds(Node node, EnvDiffOptions options)
        {
            foreach (var (key, value) in Map(node, "thresholds")?.Entries ?? [])
            {
                if (!ThresholdKeys.Contains(key))
                {
                    Unknown(value, key, "thresholds", ThresholdKeys);
                    continue;
                }
                if (Number(value) is not { } n || n < 1)
                {
                    Error(value, $"thresholds.{key} must be a number of at least 1 (got '{value.Text ?? "a " + Shape(value)}')");
                    continue;
                }
                options = key == "timeoutHighRatio" ? options with { TimeoutHighRatio = n } : options with { MemoryLimitRatio = n };
            }
            return options;
        }

        private static bool? Bool(Node node) => node is ScalarNode { Quoted: false } s ? s.Value switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => null,
        } : null;

        private static decimal? Number(Node node) =>
            node is ScalarNode s && decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

        private static string Shape(Node node) => node switch
        {
            MapNode => "mapping",
            ListNode => "list",
            _ => "value",
        };
    }
}

/// <summary>The closest known word to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggestions
{
    public static string? Closest(string word, IReadOnlyList<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = Distance(word.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (k, d);
            }
        }
        return best is not null && (bestDistance <= Math.Max(2, word.Length / 3) || best.StartsWith(word, StringComparison.OrdinalIgnoreCase) || word.StartsWith(best, StringComparison.OrdinalIgnoreCase))
            ? best
            : null;
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
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
