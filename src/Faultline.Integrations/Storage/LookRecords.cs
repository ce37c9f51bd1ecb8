using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Faultline.Core.Judge;

namespace Faultline.Integrations.Storage;

/// <summary>One stored look: the window it covers, both arms' aggregates and what was missing.</summary>
public sealed record LookRecord(DateTimeOffset From, DateTimeOffset To, IntervalAggregate? Baseline, IntervalAggregate? Canary, IReadOnlyList<string> Missing)
{
    public ArmBatch BaselineBatch => Baseline is { } b ? ArmBatch.Of(b) : ArmBatch.Empty;

    public ArmBatch CanaryBatch => Canary is { } c ? ArmBatch.Of(c) : ArmBatch.Empty;
}

/// <summary>
/// Writes and reads looks as JSON for the event store, so a judge can be rebuilt by replaying them:
/// <c>{"from":..., "to":..., "baseline": {"requests", "errors", "latency": {"bounds": [...,"+Inf"], "counts": [...]}, "scores": {name: {count, mean}}}, "canary": {...}, "missing": [...]}</c>.
/// </summary>
public static class LookRecords
{
    public static string Write(LookRecord look)
    {
        var json = new JsonObject
        {
            ["from"] = look.From.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["to"] = look.To.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["baseline"] = Arm(look.Baseline),
            ["canary"] = Arm(look.Canary),
            ["missing"] = new JsonArray(look.Missing.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
        };
        return json.ToJsonString();
    }

    public static LookRecord Read(string text)
    {
        var json = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("a look must be a JSON object");
        var missing = json["missing"] is JsonArray m ? m.Select(x => x!.GetValue<string>()).ToList() : [];
        return new LookRecord(
            DateTimeOffset.Parse(json["from"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(json["to"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            ReadArm(json["baseline"]),
            ReadArm(json["canary"]),
            missing);
    }

    private static JsonNode? Arm(IntervalAggregate? arm)
    {
        if (arm is null)
        {
            return null;
        }
        var json = new JsonObject { ["requests"] = arm.Requests, ["errors"] = arm.Errors };
        if (arm.Latency is { } fine && fine.UpperBounds.SequenceEqual(LatencyBuckets.Fine))
        {
            // The router's fine buckets: name the bounds and keep only the buckets with requests, as index: count.
            var buckets = new JsonObject();
            long previous = 0;
            for (var i = 0; i < fine.CumulativeCounts.Count; i++)
            {
                if (fine.CumulativeCounts[i] != previous)
                {
                    buckets[i.ToString(CultureInfo.InvariantCulture)] = fine.CumulativeCounts[i] - previous;
                    previous = fine.CumulativeCounts[i];
                }
            }
            json["latency"] = new JsonObject { ["bounds"] = "fine", ["buckets"] = buckets };
        }
        else if (arm.Latency is { } h)
        {
            json["latency"] = new JsonObject
            {
                ["bounds"] = new JsonArray(h.UpperBounds.Select(b => double.IsPositiveInfinity(b) ? (JsonNode?)JsonValue.Create("+Inf") : JsonValue.Create(b)).ToArray()),
                ["counts"] = new JsonArray(h.CumulativeCounts.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            };
        }
        if (arm.Scores is { Count: > 0 } scores)
        {
            var s = new JsonObject();
            foreach (var (name, summary) in scores)
            {
                s[name] = new JsonObject { ["count"] = summary.Count, ["mean"] = summary.Mean };
            }
            json["scores"] = s;
        }
        return json;
    }

    private static IntervalAggregate? ReadArm(JsonNode? node)
    {
        if (node is not JsonObject arm)
        {
            return null;
        }
        LatencyHistogram? latency = null;
        if (arm["latency"] is JsonObject fine && fine["bounds"] is JsonValue named && named.TryGetValue<string>(out var name) && name == "fine")
        {
            var counts = new long[LatencyBuckets.Fine.Count];
            foreach (var (index, count) in fine["buckets"]!.AsObject())
            {
                counts[int.Parse(index, CultureInfo.InvariantCulture)] = count!.GetValue<long>();
            }
            for (var i = 1; i < counts.Length; i++)
            {
                counts[i] += counts[i - 1];
            }
            latency = new LatencyHistogram(LatencyBuckets.Fine, counts);
        }
        else if (arm["latency"] is JsonObject h)
        {
            var bounds = h["bounds"]!.AsArray().Select(b => b is JsonValue v && v.TryGetValue<string>(out var s) && s == "+Inf" ? double.PositiveInfinity : b!.GetValue<double>()).ToList();
            var counts = h["counts"]!.AsArray().Select(c => c!.GetValue<long>()).ToList();
            latency = new LatencyHistogram(bounds, counts);
        }
        Dictionary<string, ScoreSummary>? scores = null;
        if (arm["scores"] is JsonObject s)
        {
            scores = s.ToDictionary(p => p.Key, p => new ScoreSummary(p.Value!["count"]!.GetValue<long>(), p.Value!["mean"]!.GetValue<double>()));
        }
        return new IntervalAggregate(arm["requests"]!.GetValue<long>(), arm["errors"]!.GetValue<long>(), latency, scores);
    }
}
