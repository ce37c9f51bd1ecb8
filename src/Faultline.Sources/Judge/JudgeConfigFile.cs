using System.Globalization;
using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Judge;

/// <summary>What judge.yaml says about one metric; unset values keep the defaults.</summary>
public sealed record MetricConfig(string Name, int Line)
{
    public bool Enabled { get; init; } = true;

    public double? Tolerance { get; init; }

    public double? RelativeTolerance { get; init; }

    public ScoreDirection? Direction { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public Scoreboard? Scoreboard { get; init; }
}

/// <summary>The contents of judge.yaml, before they meet the data's columns.</summary>
public sealed record JudgeConfig
{
    public static readonly JudgeConfig Empty = new();

    public double? Alpha { get; init; }

    public long? MinSamples { get; init; }

    public StatusSet? ErrorStatuses { get; init; }

    public IReadOnlyDictionary<string, MetricConfig> Metrics { get; init; } = new Dictionary<string, MetricConfig>();
}

/// <summary>
/// Reads judge.yaml:
/// <code>
/// alpha: 0.05
/// minSamples: 1000
/// errorStatuses: [5xx, 0]
/// metrics:
///   errors: {tolerance: 0.4%, relativeTolerance: 0}
///   latency.median: {tolerance: 5%}
///   latency.p99: {tolerance: 10%, scoreboard: infrastructure}
///   accuracy: {direction: higher, tolerance: 0.02, min: 0, max: 1}
///   request_id: {enabled: false}
/// </code>
/// Every key is checked; problems come back with file and line.
/// </summary>
public static partial class JudgeConfigFile
{
    public const string ErrorsMetric = "errors";

    private static readonly string[] TopKeys = ["alpha", "minSamples", "errorStatuses", "tolerances", "metrics"];

    [GeneratedRegex(@"^latency\.(median|p(\d{1,2}(\.\d+)?))$")]
    private static partial Regex LatencyName();

    public static JudgeConfig Load(string path, List<InputDiagnostic> diagnostics) =>
        Parse(File.ReadAllText(path), path, diagnostics);

    public static JudgeConfig Parse(string text, string file, List<InputDiagnostic> diagnostics)
    {
        var docs = YamlDocumentReader.Read(text, file, diagnostics);
        return docs.Count == 0 ? JudgeConfig.Empty : Parse(docs[0].Root, file, diagnostics);
    }

    /// <summary>
    /// Reads a judge block already parsed (judge.yaml's root, a rollout's <c>judge:</c>, an analysis body's
    /// <c>judge</c>). Besides the keys of judge.yaml it takes <c>tolerances</c>, a shorthand per metric:
    /// <c>{latency: 5%, latency.p99: 15%, errors: 0.2pp}</c> (latency is the median; pp are percentage points).
    /// </summary>
    public static JudgeConfig Parse(Node block, string file, List<InputDiagnostic> diagnostics)
    {
        void Error(Node node, string message) => diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, node.Line), message));

        if (block is ScalarNode { IsNull: true })
        {
            return JudgeConfig.Empty;
        }
        if (block is not MapNode root)
        {
            Error(block, "the judge config must be a mapping (alpha, minSamples, errorStatuses, tolerances, metrics)");
            return JudgeConfig.Empty;
        }
        var config = JudgeConfig.Empty;
        var tolerances = new Dictionary<string, (Node Node, double Value)>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Entries)
        {
            switch (key)
            {
                case "tolerances":
                    if (value is MapNode map)
                    {
                        foreach (var (metric, tolerance) in map.Entries)
                        {
                            var name = metric == "latency" ? "latency.median" : metric;
                            if (name.StartsWith("latency.", StringComparison.Ordinal) && Quantile(name) is null)
                            {
                                Error(tolerance, $"tolerances: '{metric}' is not a latency metric; use latency, latency.median or latency.pNN");
                            }
                            else if (Number(tolerance, percent: true, points: name == ErrorsMetric) is { } t && t >= 0)
                            {
                                tolerances[name] = (tolerance, t);
                            }
                            else
                            {
                                Error(tolerance, $"tolerances.{metric} must be a number at least 0, such as 5% or (for errors) 0.2pp (got '{tolerance.Text}')");
                            }
                        }
                    }
                    else
                    {
                        Error(value, "tolerances must be a mapping from metric to tolerance, e.g. {latency: 5%, errors: 0.2pp}");
                    }
                    break;
                case "alpha":
                    if (Number(value) is { } alpha && alpha > 0 && alpha < 1)
                    {
                        config = config with { Alpha = alpha };
                    }
                    else
                    {
                        Error(value, $"alpha must be a number between 0 and 1, e.g. 0.05 (got '{value.Text}')");
                    }
                    break;
                case "minSamples":
                    if (long.TryParse(value.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var min) && min >= 0)
                    {
                        config = config with { MinSamples = min };
                    }
                    else
                    {
                        Error(value, $"minSamples must be a whole number of requests per side (got '{value.Text}')");
                    }
                    break;
                case "errorStatuses":
                    config = config with { ErrorStatuses = Statuses(value, Error) };
                    break;
                case "metrics":
                    if (value is MapNode metrics)
                    {
                        config = config with { Metrics = ReadMetrics(metrics, Error) };
                    }
                    else if (!(value is ScalarNode { IsNull: true }))
                    {
                        Error(value, "metrics must be a mapping from metric name to its settings");
                    }
                    break;
                default:
                    Error(value, $"unknown key '{key}' (known: {string.Join(", ", TopKeys)})");
                    break;
            }
        }
        if (tolerances.Count > 0)
        {
            var metrics = new Dictionary<string, MetricConfig>(config.Metrics, StringComparer.Ordinal);
            foreach (var (name, (node, value)) in tolerances)
            {
                var existing = metrics.GetValueOrDefault(name) ?? new MetricConfig(name, node.Line);
                metrics[name] = existing with { Tolerance = existing.Tolerance ?? value };
            }
            config = config with { Metrics = metrics };
        }
        return config;
    }

    /// <summary>Whether a name is one of the built-in infrastructure metrics (errors, latency.median, latency.pNN).</summary>
    public static bool IsBuiltin(string name) => name == ErrorsMetric || LatencyName().IsMatch(name);

    /// <summary>The quantile a latency metric name stands for (latency.median is 0.5, latency.p99 is 0.99).</summary>
    public static double? Quantile(string name)
    {
        var match = LatencyName().Match(name);
        if (!match.Success)
        {
            return null;
        }
        if (match.Groups[1].Value == "median")
        {
            return 0.5;
        }
        var q = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) / 100;
        return q is > 0 and < 1 ? q : null;
    }

    private static Dictionary<string, MetricConfig> ReadMetrics(MapNode metrics, Action<Node, string> error)
    {
        var result = new Dictionary<string, MetricConfig>(StringComparer.Ordinal);
        foreach (var (name, body) in metrics.Entries)
        {
            if (name.StartsWith("latency.", StringComparison.Ordinal) && Quantile(name) is null)
            {
                error(body, $"'{name}' is not a latency metric; use latency.median or latency.pNN, e.g. latency.p99");
                continue;
            }
            var kind = name == ErrorsMetric ? "errors" : Quantile(name) is not null ? "latency" : "quality";
            var allowed = kind switch
            {
                "errors" => new[] { "enabled", "tolerance", "relativeTolerance", "scoreboard" },
                "latency" => ["enabled", "tolerance", "scoreboard"],
                _ => ["enabled", "tolerance", "direction", "min", "max", "scoreboard"],
            };
            var config = new MetricConfig(name, body.Line);
            if (body is ScalarNode { IsNull: true })
            {
                result[name] = config;
                continue;
            }
            if (body is not MapNode map)
            {
                error(body, $"metrics.{name} must be a mapping, e.g. {{tolerance: 5%}}");
                continue;
            }
            foreach (var (key, value) in map.Entries)
            {
                if (!allowed.Contains(key))
                {
                    error(value, $"metrics.{name}: unknown key '{key}' for a{(kind == "errors" ? "n" : "")} {kind} metric (known: {string.Join(", ", allowed)})");
                    continue;
                }
                switch (key)
                {
                    case "enabled":
                        if (map.Bool("enabled") is { } enabled)
                        {
                            config = config with { Enabled = enabled };
                        }
                        else
                        {
                            error(value, $"metrics.{name}.enabled must be true or false");
                        }
                        break;
                    case "tolerance" or "relativeTolerance":
                        if (Number(value, points: name == ErrorsMetric) is { } t && t >= 0)
                        {
                            config = key == "tolerance" ? config with { Tolerance = t } : config with { RelativeTolerance = t };
                        }
                        else
                        {
                            error(value, $"metrics.{name}.{key} must be a number at least 0, such as 0.05 or 5% (got '{value.Text}')");
                        }
                        break;
                    case "min" or "max":
                        if (Number(value, percent: false) is { } bound)
                        {
                            config = key == "min" ? config with { Min = bound } : config with { Max = bound };
                        }
                        else
                        {
                            error(value, $"metrics.{name}.{key} must be a number (got '{value.Text}')");
                        }
                        break;
                    case "direction":
                        config = value.Text switch
                        {
                            "higher" or "higherIsBetter" => config with { Direction = ScoreDirection.HigherIsBetter },
                            "lower" or "lowerIsBetter" => config with { Direction = ScoreDirection.LowerIsBetter },
                            _ => Invalid(config, () => error(value, $"metrics.{name}.direction must be higher or lower (which is better; got '{value.Text}')")),
                        };
                        break;
                    case "scoreboard":
                        config = value.Text switch
                        {
                            "infrastructure" => config with { Scoreboard = Scoreboard.Infrastructure },
                            "quality" => config with { Scoreboard = Scoreboard.Quality },
                            _ => Invalid(config, () => error(value, $"metrics.{name}.scoreboard must be infrastructure or quality (got '{value.Text}')")),
                        };
                        break;
                }
            }
            if (config is { Min: { } lo, Max: { } hi } && !(hi > lo))
            {
                error(body, $"metrics.{name}: max must be greater than min");
            }
            result[name] = config;
        }
        return result;
    }

    private static MetricConfig Invalid(MetricConfig config, Action report)
    {
        report();
        return config;
    }

    /// <summary>A number, a percentage such as 5% (= 0.05), or (where <paramref name="points"/>) percentage points such as 0.2pp (= 0.002).</summary>
    private static double? Number(Node node, bool percent = true, bool points = false)
    {
        var text = node.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var scale = 1.0;
        if (percent && text.EndsWith('%'))
        {
            text = text[..^1].TrimEnd();
            scale = 0.01;
        }
        else if (points && text.EndsWith("pp", StringComparison.Ordinal))
        {
            text = text[..^2].TrimEnd();
            scale = 0.01;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v * scale : null;
    }

    private static StatusSet? Statuses(Node value, Action<Node, string> error)
    {
        var items = value is ListNode list ? list.Items : [value];
        var ranges = new List<(int, int)>();
        foreach (var item in items)
        {
            var text = item.Text?.Trim() ?? "";
            if (text.Length == 3 && char.IsDigit(text[0]) && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
            {
                var hundred = (text[0] - '0') * 100;
                ranges.Add((hundred, hundred + 99));
            }
            else if (text.Split('-') is [var a, var b] && int.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out var from) &&
                     int.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var to) && from <= to)
            {
                ranges.Add((from, to));
            }
            else if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 999)
            {
                ranges.Add((code, code));
            }
            else
            {
                error(item, $"errorStatuses: '{text}' is not a status code, a class like 5xx, or a range like 500-504");
            }
        }
        return ranges.Count > 0 ? new StatusSet(ranges) : null;
    }
}
