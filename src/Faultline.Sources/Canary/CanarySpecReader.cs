using System.Globalization;
using Faultline.Core.Canary;
using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Core.Judge;
using Faultline.Sources.Judge;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Canary;

/// <summary>
/// Reads rollout files (<c>kind: Rollout</c>) and the <c>judge</c> and <c>metrics</c> blocks that rollouts and
/// the server's analyses share. Every problem comes back as a diagnostic with file and line; nothing throws.
/// </summary>
public static class CanarySpecReader
{
    public const string HttpHistogram = "http_server_request_duration_seconds";

    private static readonly string[] RolloutKeys = ["apiVersion", "kind", "name", "router", "steps", "judge", "metrics", "onHold", "interval"];
    private static readonly string[] RouterKeys = ["listen", "stable", "canary", "admin", "sticky", "overrideHeader", "upstreamTimeout"];
    private static readonly string[] StepKeys = ["weight", "minSamples", "maxDuration"];
    private static readonly string[] PrometheusKeys = ["url", "preset", "lag", "baseline", "canary"];
    private static readonly string[] ArmKeys = ["selector", "requests", "errors", "latency"];

    public static RolloutSpec? ReadRollout(string path, List<InputDiagnostic> diagnostics) =>
        ParseRollout(File.ReadAllText(path), path, diagnostics);

    public static RolloutSpec? ParseRollout(string text, string file, List<InputDiagnostic> diagnostics)
    {
        var before = diagnostics.Count(d => d.Level == DiagnosticLevel.Error);
        var docs = YamlDocumentReader.Read(text, file, diagnostics);
        var context = new Context(file, diagnostics);
        if (docs.Count == 0 || docs[0].Root is not MapNode root)
        {
            context.Error(docs.Count == 0 ? null : docs[0].Root, "a rollout file must be a mapping with kind: Rollout, name, router, steps");
            return null;
        }
        context.Keys(root, RolloutKeys, "");
        if (root.Str("kind") is { } kind && kind != "Rollout")
        {
            context.Error(root["kind"], $"kind must be Rollout (got '{kind}')");
        }
        if (root.Str("apiVersion") is { } api && api != "faultline.dev/v1alpha1")
        {
            context.Error(root["apiVersion"], $"apiVersion must be faultline.dev/v1alpha1 (got '{api}')");
        }
        var name = root.Str("name");
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            context.Error(root["name"] ?? root, "name is required: letters, digits, '-', '_' and '.' (it names the rollout's state in the store)");
        }
        var router = root["router"] is { } r ? ReadRouter(r, context) : context.Missing<RouterSpec>(root, "router is required: { listen, stable: [URL], canary: [URL] }");
        var steps = ReadSteps(root["steps"], root, context);
        var judge = ReadJudge(root["judge"] ?? new ScalarNode(root.Line, "", false), file, diagnostics);
        var metrics = root["metrics"] is { } m ? ReadMetrics(m, file, diagnostics) : MetricsSpec.Router;
        var onHold = root.Str("onHold") switch
        {
            null or "pause" => HoldAction.Pause,
            "rollback" => HoldAction.Rollback,
            var other => context.Invalid(root["onHold"], HoldAction.Pause, $"onHold must be pause or rollback (got '{other}')"),
        };
        var interval = context.Duration(root["interval"], "interval") ?? TimeSpan.FromSeconds(5);
        if (interval < TimeSpan.FromMilliseconds(100))
        {
            context.Error(root["interval"], "interval must be at least 100ms");
        }
        if (diagnostics.Count(d => d.Level == DiagnosticLevel.Error) > before || router is null || judge is null || metrics is null)
        {
            return null;
        }
        return new RolloutSpec
        {
            Name = name!,
            Router = router,
            Steps = steps,
            Judge = judge,
            Metrics = metrics,
            OnHold = onHold,
            Interval = interval,
            File = file,
        };
    }

    /// <summary>The judge block (alpha, minSamples, errorStatuses, tolerances, metrics) as settings, or null after diagnostics.</summary>
    public static JudgeSettings? ReadJudge(Node block, string file, List<InputDiagnostic> diagnostics)
    {
        var before = diagnostics.Count(d => d.Level == DiagnosticLevel.Error);
        var config = JudgeConfigFile.Parse(block, file, diagnostics);
        if (diagnostics.Count(d => d.Level == DiagnosticLevel.Error) > before)
        {
            return null;
        }
        var settings = JudgeSetup.Build(config, []).Settings;
        foreach (var problem in settings.Validate())
        {
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, block.Line), problem));
        }
        return diagnostics.Count(d => d.Level == DiagnosticLevel.Error) > before ? null : settings;
    }

    /// <summary>
    /// The metrics block: <c>router</c>, or <c>{prometheus: {url, preset: http|router, lag, baseline: {selector}, canary: {selector}}}</c>
    /// where an arm may instead give its own <c>requests</c>, <c>errors</c> and <c>latency</c> PromQL with {range}.
    /// </summary>
    public static MetricsSpec? ReadMetrics(Node block, string file, List<InputDiagnostic> diagnostics)
    {
        var context = new Context(file, diagnostics);
        if (block is ScalarNode { Value: "router" })
        {
            return MetricsSpec.Router;
        }
        if (block is not MapNode map || map["prometheus"] is not MapNode prom || map.Entries.Count != 1)
        {
            context.Error(block, "metrics must be router or { prometheus: { url, baseline: {selector}, canary: {selector} } }");
            return null;
        }
        var before = diagnostics.Count(d => d.Level == DiagnosticLevel.Error);
        context.Keys(prom, PrometheusKeys, "metrics.prometheus.");
        Uri? url = null;
        if (prom.Str("url") is not { } urlText || !Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
        {
            context.Error(prom["url"] ?? prom, "metrics.prometheus.url must be an http(s) URL, e.g. http://127.0.0.1:9090");
        }
        var preset = prom.Str("preset") ?? "http";
        if (preset is not ("http" or "router"))
        {
            context.Error(prom["preset"], $"metrics.prometheus.preset must be http ({HttpHistogram}) or router (faultline_router_*) (got '{preset}')");
        }
        var baseline = Arm(prom["baseline"], "baseline", "version=\"stable\"", preset, context);
        var canary = Arm(prom["canary"], "canary", "version=\"canary\"", preset, context);
        var lag = context.Duration(prom["lag"], "metrics.prometheus.lag", allowZero: true);
        if (diagnostics.Count(d => d.Level == DiagnosticLevel.Error) > before || url is null || baseline is null || canary is null)
        {
            return null;
        }
        var spec = new PrometheusMetricsSpec { Url = url, Baseline = baseline, Canary = canary };
        return new MetricsSpec(lag is { } l ? spec with { Lag = l } : spec);
    }

    /// <summary>The default queries of a preset for one arm's label selector.</summary>
    public static ArmQueries Preset(string preset, string selector)
    {
        var (count, bucket, errorMatcher) = preset == "router"
            ? ("faultline_router_requests_total", "faultline_router_request_duration_seconds_bucket", "status_class=\"5xx\"")
            : ($"{HttpHistogram}_count", $"{HttpHistogram}_bucket", "http_response_status_code=~\"5..\"");
        var sel = selector.Trim().Trim('{', '}').Trim();
        var errorSel = sel.Length == 0 ? errorMatcher : $"{sel},{errorMatcher}";
        return new ArmQueries(
            $"sum(increase({count}{{{sel}}}[{{range}}]))",
            $"sum(increase({count}{{{errorSel}}}[{{range}}]))",
            $"sum by (le) (increase({bucket}{{{sel}}}[{{range}}]))");
    }

    private static ArmQueries? Arm(Node? node, string side, string defaultSelector, string preset, Context context)
    {
        if (node is null || node is ScalarNode { IsNull: true })
        {
            return Preset(preset, defaultSelector);
        }
        if (node is not MapNode map)
        {
            context.Error(node, $"metrics.prometheus.{side} must be a mapping: {{selector: '{defaultSelector}'}} or {{requests, errors, latency}}");
            return null;
        }
        context.Keys(map, ArmKeys, $"metrics.prometheus.{side}.");
        var preset0 = Preset(preset, map.Str("selector") ?? defaultSelector);
        var queries = new ArmQueries(map.Str("requests") ?? preset0.Requests, map.Str("errors") ?? preset0.Errors, map.Str("latency") ?? preset0.LatencyBuckets);
        foreach (var (key, query) in new[] { ("requests", queries.Requests), ("errors", queries.Errors), ("latency", queries.LatencyBuckets ?? "") })
        {
            if (map[key] is { } given && !query.Contains("{range}", StringComparison.Ordinal))
            {
                context.Error(given, $"metrics.prometheus.{side}.{key} must contain {{range}} where the look's length goes, e.g. increase(x_total[{{range}}])");
            }
        }
        return queries;
    }

    private static RouterSpec? ReadRouter(Node node, Context context)
    {
        if (node is not MapNode map)
        {
            context.Error(node, "router must be a mapping: { listen, stable: [URL], canary: [URL] }");
            return null;
        }
        context.Keys(map, RouterKeys, "router.");
        var listen = map.Str("listen");
        if (listen is null || !Endpoint(listen))
        {
            context.Error(map["listen"] ?? map, "router.listen must be HOST:PORT, e.g. 127.0.0.1:8080");
        }
        var admin = map.Str("admin");
        if (admin is not null && !Endpoint(admin))
        {
            context.Error(map["admin"], "router.admin must be HOST:PORT, e.g. 127.0.0.1:8081");
        }
        var stable = Upstreams(map["stable"], "router.stable", context, map);
        var canary = Upstreams(map["canary"], "router.canary", context, map);
        var sticky = StickySpec.None;
        if (map.Str("sticky") is { } stickyText)
        {
            sticky = ParseSticky(stickyText) ?? context.Invalid(map["sticky"], StickySpec.None, $"router.sticky must be cookie or header:NAME (got '{stickyText}')");
        }
        var timeout = context.Duration(map["upstreamTimeout"], "router.upstreamTimeout");
        if (listen is null || stable is null || canary is null)
        {
            return null;
        }
        return new RouterSpec
        {
            Listen = listen,
            Admin = admin,
            Stable = stable,
            Canary = canary,
            Sticky = sticky,
            OverrideHeader = map.Str("overrideHeader") ?? RouterDefaults.OverrideHeader,
            UpstreamTimeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>cookie, header:NAME or none.</summary>
    public static StickySpec? ParseSticky(string text) => text switch
    {
        "none" or "" => StickySpec.None,
        "cookie" => StickySpec.Cookie,
        _ when text.StartsWith("header:", StringComparison.Ordinal) && text.Length > 7 => StickySpec.ByHeader(text[7..]),
        _ => null,
    };

    /// <summary>HOST:PORT with a port in 1..65535.</summary>
    public static bool Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536;
    }

    private static List<Uri>? Upstreams(Node? node, string what, Context context, MapNode parent)
    {
        var items = node switch
        {
            ListNode list => list.Items,
            ScalarNode { IsNull: false } s => [s],
            _ => null,
        };
        if (items is null || items.Count == 0)
        {
            context.Error(node ?? parent, $"{what} must list one or more upstream URLs, e.g. [http://127.0.0.1:9001]");
            return null;
        }
        var result = new List<Uri>();
        foreach (var item in items)
        {
            if (item.Text is { } t && Uri.TryCreate(t, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                result.Add(uri);
            }
            else
            {
                context.Error(item, $"{what}: '{item.Text}' is not an http(s) URL");
            }
        }
        return result.Count == items.Count ? result : null;
    }

    private static List<RolloutStep> ReadSteps(Node? node, MapNode root, Context context)
    {
        var steps = new List<RolloutStep>();
        if (node is not ListNode list || list.Items.Count == 0)
        {
            context.Error(node ?? root, "steps must list at least one step: - { weight: 10, minSamples: 500, maxDuration: 10m }");
            return steps;
        }
        var previous = 0;
        foreach (var item in list.Items)
        {
            if (item is not MapNode step)
            {
                context.Error(item, "a step must be a mapping: { weight, minSamples, maxDuration }");
                continue;
            }
            context.Keys(step, StepKeys, "steps[].");
            var weight = step.Int("weight");
            if (weight is not (>= 1 and <= 100))
            {
                context.Error(step["weight"] ?? step, "steps[].weight must be a whole percentage from 1 to 100");
                continue;
            }
            if (weight <= previous)
            {
                context.Error(step["weight"], $"steps[].weight must grow from step to step ({weight} after {previous})");
            }
            previous = weight.Value;
            long minSamples = 0;
            if (step["minSamples"] is { } ms && !(long.TryParse(ms.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out minSamples) && minSamples >= 0))
            {
                context.Error(ms, "steps[].minSamples must be a whole number of requests per side");
            }
            var maxDuration = context.Duration(step["maxDuration"], "steps[].maxDuration") ?? TimeSpan.FromMinutes(10);
            steps.Add(new RolloutStep(weight.Value, minSamples, maxDuration, step.Line));
        }
        return steps;
    }

    private sealed class Context(string file, List<InputDiagnostic> diagnostics)
    {
        public void Error(Node? node, string message) =>
            diagnostics.Add(new(DiagnosticLevel.Error, new SourceLocation(file, node?.Line ?? 1), message));

        public T? Missing<T>(Node node, string message)
            where T : class
        {
            Error(node, message);
            return null;
        }

        public T Invalid<T>(Node? node, T fallback, string message)
        {
            Error(node, message);
            return fallback;
        }

        public void Keys(MapNode map, string[] known, string prefix)
        {
            foreach (var (key, value) in map.Entries)
            {
                if (!known.Contains(key))
                {
                    Error(value, $"unknown key '{prefix}{key}' (known: {string.Join(", ", known)})");
                }
            }
        }

        public TimeSpan? Duration(Node? node, string what, bool allowZero = false)
        {
            if (node is not ScalarNode { IsNull: false } s)
            {
                return null;
            }
            if (AssumptionDocuments.ParseDuration(s.Value) is { } d && (d > TimeSpan.Zero || (allowZero && d == TimeSpan.Zero)))
            {
                return d;
            }
            Error(node, $"{what} must be a duration such as 500ms, 15s, 10m (got '{s.Value}')");
            return null;
        }
    }
}
