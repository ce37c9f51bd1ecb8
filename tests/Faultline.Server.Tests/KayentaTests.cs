using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Faultline.Server.Tests;

/// <summary>Kayenta's remote judge contract: the body Kayenta's RemoteJudge posts, and the CanaryJudgeResult it reads back.</summary>
public sealed class KayentaTests
{
    private static string Values(IEnumerable<double> values) =>
        "[" + string.Join(", ", values.Select(v => double.IsNaN(v) ? "\"NaN\"" : v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static double[] Series(int n, double level, int seed, double tail = 0)
    {
        var random = new Random(seed);
        // With a tail share, every (1 / share)-th point is three times higher, so the share is exact.
        return Enumerable.Range(0, n).Select(i => level * (0.9 + (0.2 * random.NextDouble())) * (tail > 0 && i % (int)Math.Round(1 / tail) == 0 ? 3 : 1)).ToArray();
    }

    /// <summary>A request as Kayenta sends it: the whole canary config, the thresholds, and one pair per metric with scopes and attributes.</summary>
    private static string Request(double[] latencyControl, double[] latencyExperiment, double[] errorsControl, double[] errorsExperiment) => $$$"""
        {
          "canaryConfig": {
            "createdTimestamp": 1718000000000,
            "updatedTimestamp": 1718000000000,
            "createdTimestampIso": "2024-06-10T06:13:20Z",
            "updatedTimestampIso": "2024-06-10T06:13:20Z",
            "name": "checkout-canary",
            "description": "checkout golden signals",
            "configVersion": "1",
            "applications": ["checkout"],
            "judge": {"name": "RemoteJudge-v1.0", "judgeConfigurations": {} },
            "metrics": [
              {
                "name": "latency-p99",
                "query": {"type": "prometheus", "metricName": "http_server_request_duration_seconds", "customInlineTemplate": "PromQL:histogram_quantile(0.99, ...)"},
                "groups": ["latency"],
                "analysisConfigurations": {"canary": {"direction": "increase", "nanStrategy": "remove", "effectSize": {"allowedIncrease": 1.1, "allowedDecrease": 1.0} } },
                "scopeName": "default"
              },
              {
                "name": "errors",
                "query": {"type": "prometheus", "metricName": "http_server_request_duration_seconds_count"},
                "groups": ["errors"],
                "analysisConfigurations": {"canary": {"direction": "increase", "critical": true, "nanStrategy": "replace"} },
                "scopeName": "default"
              }
            ],
            "templates": {},
            "classifier": {"groupWeights": {"latency": 50, "errors": 50} }
          },
          "scoreThresholds": {"pass": 95.0, "marginal": 75.0},
          "metricSetPairList": [
            {
              "name": "latency-p99",
              "id": "6d1f0b7e-latency",
              "tags": {"app": "checkout"},
              "values": {"control": {{{Values(latencyControl)}}}, "experiment": {{{Values(latencyExperiment)}}}},
              "scopes": {
                "control": {"startTimeIso": "2024-06-10T06:00:00Z", "startTimeMillis": 1717999200000, "stepMillis": 60000},
                "experiment": {"startTimeIso": "2024-06-10T06:00:00Z", "startTimeMillis": 1717999200000, "stepMillis": 60000}
              },
              "attributes": {"control": {"query": "histogram_quantile(0.99, ...baseline...)"}, "experiment": {"query": "histogram_quantile(0.99, ...canary...)"} }
            },
            {
              "name": "errors",
              "id": "6d1f0b7e-errors",
              "tags": {"app": "checkout"},
              "values": {"control": {{{Values(errorsControl)}}}, "experiment": {{{Values(errorsExperiment)}}}},
              "scopes": {
                "control": {"startTimeIso": "2024-06-10T06:00:00Z", "startTimeMillis": 1717999200000, "stepMillis": 60000},
                "experiment": {"startTimeIso": "2024-06-10T06:00:00Z", "startTimeMillis": 1717999200000, "stepMillis": 60000}
              },
              "attributes": {"control": {}, "experiment": {} }
            }
          ]
        }
        """;

    private static async Task<JsonElement> Judge(ServerHarness h, string body)
    {
        var response = await h.Http.PostAsync("judge", ServerHarness.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Judge_HealthyCanary_PassesWithEveryField()
    {
        await using var h = await ServerHarness.StartAsync();
        var result = await Judge(h, Request(Series(30, 120, 1), Series(30, 120, 2), Series(30, 2, 3), Series(30, 2, 4)));
        Assert.Equal("faultline-v1", result.GetProperty("judgeName").GetString());
        var metrics = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["latency-p99", "errors"], metrics.Select(m => m.GetProperty("name").GetString()));
        Assert.All(metrics, m => Assert.Equal("Pass", m.GetProperty("classification").GetString()));
        Assert.Equal("6d1f0b7e-latency", metrics[0].GetProperty("id").GetString());
        Assert.Equal("checkout", metrics[0].GetProperty("tags").GetProperty("app").GetString());
        Assert.Equal(30, metrics[0].GetProperty("experimentMetadata").GetProperty("stats").GetProperty("count").GetInt32());
        Assert.True(metrics[0].GetProperty("controlMetadata").GetProperty("stats").GetProperty("mean").GetDouble() > 100);
        Assert.Equal(["latency"], metrics[0].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(metrics[0].GetProperty("resultMetadata").TryGetProperty("ratio", out _));
        var groups = result.GetProperty("groupScores").EnumerateArray().ToList();
        Assert.Equal(["errors", "latency"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.All(groups, g => Assert.Equal(100, g.GetProperty("score").GetDouble()));
        var score = result.GetProperty("score");
        Assert.Equal(100, score.GetProperty("score").GetDouble());
        Assert.Equal("Pass", score.GetProperty("classification").GetString());
    }

    [Fact]
    public async Task Judge_TailRegressionOnly_IsHighAndTheScoreFallsToMarginalOrWorse()
    {
        await using var h = await ServerHarness.StartAsync();
        // A fifth of the canary's points three times higher: the median hardly moves.
        var result = await Judge(h, Request(Series(60, 120, 1), Series(60, 120, 2, tail: 0.2), Series(60, 2, 3), Series(60, 2, 4)));
        var latency = result.GetProperty("results")[0];
        Assert.Equal("High", latency.GetProperty("classification").GetString());
        Assert.Contains("tail", latency.GetProperty("classificationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(50, result.GetProperty("score").GetProperty("score").GetDouble());
        Assert.Equal("Fail", result.GetProperty("score").GetProperty("classification").GetString());
    }

    [Fact]
    public async Task Judge_CriticalErrorsRise_FailsWithScoreZero_NaNsReplaced()
    {
        await using var h = await ServerHarness.StartAsync();
        var errorsExperiment = Series(30, 6, 4);
        errorsExperiment[3] = double.NaN;
        var result = await Judge(h, Request(Series(30, 120, 1), Series(30, 120, 2), Series(30, 2, 3), errorsExperiment));
        var errors = result.GetProperty("results")[1];
        Assert.Equal("High", errors.GetProperty("classification").GetString());
        Assert.True(errors.GetProperty("critical").GetBoolean());
        Assert.Equal(30, errors.GetProperty("experimentMetadata").GetProperty("stats").GetProperty("count").GetInt32());
        var score = result.GetProperty("score");
        Assert.Equal(0, score.GetProperty("score").GetDouble());
        Assert.Equal("Fail", score.GetProperty("classification").GetString());
        Assert.Contains("critical metric failed: errors", score.GetProperty("classificationReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_NoExperimentData_IsNodata()
    {
        await using var h = await ServerHarness.StartAsync();
        var result = await Judge(h, Request(Series(10, 120, 1), [double.NaN, double.NaN], Series(10, 2, 3), Series(10, 2, 4)));
        Assert.Equal("Nodata", result.GetProperty("results")[0].GetProperty("classification").GetString());
        var latencyGroup = result.GetProperty("groupScores").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "latency");
        Assert.Equal("Nodata", latencyGroup.GetProperty("classification").GetString());
    }

    [Fact]
    public async Task Judge_BadDirection_Is400NamingThePath()
    {
        await using var h = await ServerHarness.StartAsync();
        var body = Request(Series(10, 1, 1), Series(10, 1, 2), Series(10, 1, 3), Series(10, 1, 4)).Replace("\"direction\": \"increase\", \"critical\"", "\"direction\": \"up\", \"critical\"", StringComparison.Ordinal);
        var response = await h.Http.PostAsync("judge", ServerHarness.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("canaryConfig.metrics[1].analysisConfigurations.canary.direction must be increase, decrease or either (got 'up')", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
