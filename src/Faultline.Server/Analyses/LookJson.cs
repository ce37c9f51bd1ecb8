using System.Globalization;
using System.Text.Json.Nodes;
using Faultline.Core.Judge;

namespace Faultline.Server.Analyses;

/// <summary>A stored look: its window, both arms' aggregates, what was missing.</summary>
internal sealed record StoredLook(DateTimeOffset From, DateTimeOffset To, IntervalAggregate? Baseline, IntervalAggregate? Canary, IReadOnlyList<string> Missing);

/// <summary>Looks as JSON event bodies, so a judge can be rebuilt by replaying them.</summary>
internal static class LookJson
{
    public static string Write(StoredLook look)
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

    public static StoredLook Read(string text)
    {
        var json = (JsonObject)JsonNode.Parse(text)!;
        return new StoredLook(
            DateTimeOffset.Parse(json["from"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(json["to"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            ReadArm(json["baseline"]),
            ReadArm(json["canary"]),
            json["missing"] is JsonArray m ? m.Select(x => x!.GetValue<string>()).ToList() : []);
    }

    private static JsonObject? Arm(IntervalAggregate? arm)
    {
        if (arm is null)
        {
            return null;
        }
        var json = new JsonObject { ["requests"] = arm.Requests, ["errors"] = arm.Errors };
        if (arm.Latency is { } h)
        {
            json["latency"] = new JsonObject
            {
                ["bounds"] = new JsonArray(h.UpperBounds.Select(b => double.IsPositiveInfinity(b) ? (JsonNode?)JsonValue.Create("+Inf") : JsonValue.Create(b)).ToArray()),
                ["counts"] = new JsonArray(h.CumulativeCounts.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            };
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
        if (arm["latency"] is JsonObject h)
        {
            var bounds = h["bounds"]!.AsArray().Select(b => b is JsonValue v && v.TryGetValue<string>(out var s) && s == "+Inf" ? double.PositiveInfinity : b!.GetValue<double>()).ToList();
            latency = new LatencyHistogram(bounds, h["counts"]!.AsArray().Select(c => c!.GetValue<long>()).ToList());
        }
        return new IntervalAggregate(arm["requests"]!.GetValue<long>(), arm["errors"]!.GetValue<long>(), latency);
    }
}
