using System.Globalization;
using System.Text.Json;
using Faultline.Core.Judge;

namespace Faultline.Server.Kayenta;

/// <summary>A remote-judge body that does not fit Kayenta's contract; the message names the JSON path.</summary>
internal sealed class KayentaRequestException(string message) : Exception(message);

/// <summary>
/// Kayenta's remote judge contract: <c>POST /judge</c> with <c>{canaryConfig, scoreThresholds, metricSetPairList}</c>
/// answered by a <c>CanaryJudgeResult</c> (<c>judgeName</c>, <c>results[]</c>, <c>groupScores[]</c>, <c>score</c>).
/// Values may be numbers, <c>"NaN"</c> strings (how Kayenta's Jackson writes NaN) or null.
/// </summary>
internal static class KayentaContract
{
    public static KayentaJudgeRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new KayentaRequestException("the body must be a JSON object with canaryConfig, scoreThresholds and metricSetPairList");
        }
        var config = Object(root, "canaryConfig", "canaryConfig");
        var metrics = new List<KayentaMetricConfig>();
        if (config.TryGetProperty("metrics", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            var i = 0;
            foreach (var m in Array(list, "canaryConfig.metrics"))
            {
                metrics.Add(Metric(m, $"canaryConfig.metrics[{i++}]"));
            }
        }
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        if (config.TryGetProperty("classifier", out var classifier) && classifier.ValueKind == JsonValueKind.Object
            && classifier.TryGetProperty("groupWeights", out var gw) && gw.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in gw.EnumerateObject())
            {
                weights[p.Name] = Number(p.Value, $"canaryConfig.classifier.groupWeights.{p.Name}");
            }
        }
        JsonElement thresholds;
        if (root.TryGetProperty("scoreThresholds", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            thresholds = t;
        }
        else if (classifier.ValueKind == JsonValueKind.Object && classifier.TryGetProperty("scoreThresholds", out var ct) && ct.ValueKind == JsonValueKind.Object)
        {
            thresholds = ct;
        }
        else
        {
            throw new KayentaRequestException("scoreThresholds: missing; expected {\"pass\": 95, \"marginal\": 75}");
        }
        var pass = Number(Required(thresholds, "pass", "scoreThresholds.pass"), "scoreThresholds.pass");
        var marginal = Number(Required(thresholds, "marginal", "scoreThresholds.marginal"), "scoreThresholds.marginal");
        if (marginal > pass)
        {
            throw new KayentaRequestException($"scoreThresholds: marginal ({marginal}) must not exceed pass ({pass})");
        }
        var alpha = KayentaStyleJudge.DefaultAlpha;
        if (config.TryGetProperty("judge", out var judge) && judge.ValueKind == JsonValueKind.Object
            && judge.TryGetProperty("judgeConfigurations", out var jc) && jc.ValueKind == JsonValueKind.Object
            && jc.TryGetProperty("alpha", out var a))
        {
            alpha = Number(a, "canaryConfig.judge.judgeConfigurations.alpha");
            if (!(alpha > 0 && alpha < 1))
            {
                throw new KayentaRequestException($"canaryConfig.judge.judgeConfigurations.alpha must be between 0 and 1 (got {alpha})");
            }
        }
        var pairs = new List<KayentaMetricPair>();
        var index = 0;
        foreach (var pair in Array(Required(root, "metricSetPairList", "metricSetPairList"), "metricSetPairList"))
        {
            pairs.Add(Pair(pair, $"metricSetPairList[{index++}]"));
        }
        return new KayentaJudgeRequest(metrics, weights, pass, marginal, pairs, alpha);
    }

    private static KayentaMetricConfig Metric(JsonElement m, string path)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new KayentaRequestException($"{path}: expected an object");
        }
        var name = String(Required(m, "name", $"{path}.name"), $"{path}.name");
        var groups = m.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array
            ? g.EnumerateArray().Select((x, i) => String(x, $"{path}.groups[{i}]")).ToList()
            : [];
        var direction = KayentaDirection.Either;
        var critical = false;
        var mustHaveData = false;
        var replace = false;
        double allowedIncrease = 1;
        double allowedDecrease = 1;
        if (m.TryGetProperty("analysisConfigurations", out var ac) && ac.ValueKind == JsonValueKind.Object
            && ac.TryGetProperty("canary", out var canary) && canary.ValueKind == JsonValueKind.Object)
        {
            var cp = $"{path}.analysisConfigurations.canary";
            if (canary.TryGetProperty("direction", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                direction = String(d, $"{cp}.direction").ToLowerInvariant() switch
                {
                    "increase" => KayentaDirection.Increase,
                    "decrease" => KayentaDirection.Decrease,
                    "either" => KayentaDirection.Either,
                    var other => throw new KayentaRequestException($"{cp}.direction must be increase, decrease or either (got '{other}')"),
                };
            }
            critical = Bool(canary, "critical", cp);
            mustHaveData = Bool(canary, "mustHaveData", cp);
            if (canary.TryGetProperty("nanStrategy", out var nan) && nan.ValueKind != JsonValueKind.Null)
            {
                replace = String(nan, $"{cp}.nanStrategy").ToLowerInvariant() switch
                {
                    "replace" => true,
                    "remove" => false,
                    var other => throw new KayentaRequestException($"{cp}.nanStrategy must be remove or replace (got '{other}')"),
                };
            }
            if (canary.TryGetProperty("effectSize", out var effect) && effect.ValueKind == JsonValueKind.Object)
            {
                if (effect.TryGetProperty("allowedIncrease", out var inc))
                {
                    allowedIncrease = Number(inc, $"{cp}.effectSize.allowedIncrease");
                }
                if (effect.TryGetProperty("allowedDecrease", out var dec))
                {
                    allowedDecrease = Number(dec, $"{cp}.effectSize.allowedDecrease");
                }
                if (!(allowedIncrease >= 1) || !(allowedDecrease > 0 && allowedDecrease <= 1))
                {
                    throw new KayentaRequestException($"{cp}.effectSize: allowedIncrease must be at least 1 and allowedDecrease in (0, 1] (ratios of experiment to control)");
                }
            }
        }
        return new KayentaMetricConfig(name, groups, direction, critical, mustHaveData, replace, allowedIncrease, allowedDecrease);
    }

    private static KayentaMetricPair Pair(JsonElement p, string path)
    {
        if (p.ValueKind != JsonValueKind.Object)
        {
            throw new KayentaRequestException($"{path}: expected an object with name, values.control and values.experiment");
        }
        var name = String(Required(p, "name", $"{path}.name"), $"{path}.name");
        var id = p.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : name;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (p.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.GetRawText();
            }
        }
        var values = Object(p, "values", $"{path}.values");
        return new KayentaMetricPair(name, id, tags, Values(values, "control", path), Values(values, "experiment", path));
    }

    private static List<double> Values(JsonElement values, string side, string path)
    {
        if (!values.TryGetProperty(side, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var result = new List<double>();
        var i = 0;
        foreach (var v in Array(list, $"{path}.values.{side}"))
        {
            result.Add(v.ValueKind switch
            {
                JsonValueKind.Number => v.GetDouble(),
                JsonValueKind.Null => double.NaN,
                JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => throw new KayentaRequestException($"{path}.values.{side}[{i}]: expected a number, \"NaN\" or null (got {v.GetRawText()})"),
            });
            i++;
        }
        return result;
    }

    public static void Write(Utf8JsonWriter w, KayentaJudgeResult result)
    {
        w.WriteStartObject();
        w.WriteString("judgeName", result.JudgeName);
        w.WriteStartArray("results");
        foreach (var r in result.Results)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("id", r.Id);
            w.WriteStartObject("tags");
            foreach (var (k, v) in r.Tags)
            {
                w.WriteString(k, v);
            }
            w.WriteEndObject();
            w.WriteString("classification", r.Classification);
            w.WriteString("classificationReason", r.Reason);
            w.WriteStartArray("groups");
            foreach (var g in r.Groups)
            {
                w.WriteStringValue(g);
            }
            w.WriteEndArray();
            Metadata(w, "experimentMetadata", r.Experiment);
            Metadata(w, "controlMetadata", r.Control);
            w.WriteStartObject("resultMetadata");
            Analyses.JudgeJson.Nullable(w, "ratio", r.MeanRatio);
            Analyses.JudgeJson.Nullable(w, "medianRatio", r.MedianRatio);
            Analyses.JudgeJson.Nullable(w, "p90Ratio", r.TailRatio);
            Analyses.JudgeJson.Nullable(w, "highEvidence", r.HighEvidence);
            Analyses.JudgeJson.Nullable(w, "lowEvidence", r.LowEvidence);
            Analyses.JudgeJson.Nullable(w, "evidenceThreshold", r.EvidenceThreshold);
            w.WriteString("direction", r.Direction.ToString().ToLowerInvariant());
            w.WriteEndObject();
            w.WriteBoolean("critical", r.Critical);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("groupScores");
        foreach (var g in result.GroupScores)
        {
            w.WriteStartObject();
            w.WriteString("name", g.Name);
            Analyses.JudgeJson.Nullable(w, "score", g.Score ?? 0);
            w.WriteString("classification", g.Classification);
            w.WriteString("classificationReason", g.Score is null ? "no metric of the group had data" : "");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("score");
        Analyses.JudgeJson.Nullable(w, "score", result.Score.Score);
        w.WriteString("classification", result.Score.Classification);
        w.WriteString("classificationReason", result.Score.Reason);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Metadata(Utf8JsonWriter w, string name, KayentaStats s)
    {
        w.WriteStartObject(name);
        w.WriteStartObject("stats");
        w.WriteNumber("count", s.Count);
        Analyses.JudgeJson.Nullable(w, "mean", s.Mean);
        Analyses.JudgeJson.Nullable(w, "median", s.Median);
        Analyses.JudgeJson.Nullable(w, "p10", s.P10);
        Analyses.JudgeJson.Nullable(w, "p90", s.P90);
        Analyses.JudgeJson.Nullable(w, "min", s.Min);
        Analyses.JudgeJson.Nullable(w, "max", s.Max);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static JsonElement Required(JsonElement obj, string key, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw new KayentaRequestException($"{path}: missing");
        }
        return v;
    }

    private static JsonElement Object(JsonElement obj, string key, string path)
    {
        var v = Required(obj, key, path);
        return v.ValueKind == JsonValueKind.Object ? v : throw new KayentaRequestException($"{path}: expected an object (got {v.ValueKind.ToString().ToLowerInvariant()})");
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : throw new KayentaRequestException($"{path}: expected an array (got {v.ValueKind.ToString().ToLowerInvariant()})");

    private static string String(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new KayentaRequestException($"{path}: expected a string (got {v.GetRawText()})");

    private static double Number(JsonElement v, string path) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new KayentaRequestException($"{path}: expected a number (got {v.GetRawText()})"),
    };

    private static bool Bool(JsonElement obj, string key, string path) =>
        obj.TryGetProperty(key, out var v) && v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new KayentaRequestException($"{path}.{key}: expected true or false (got {v.GetRawText()})"),
        };
}
