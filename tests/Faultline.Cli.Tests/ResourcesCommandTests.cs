using System.Diagnostics;
using System.Text.Json;
using Faultline.Testing;
using Xunit.Abstractions;

namespace Faultline.Cli.Tests;

/// <summary>A real Prometheus with the shop's cAdvisor history, for `resources recommend` end to end.</summary>
public sealed class ShopPrometheus : IAsyncLifetime
{
    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PrometheusServer.StartAsync(CadvisorHistory.OpenMetrics(DateTimeOffset.UtcNow.AddMinutes(-2)));

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ResourcesCommandTests(ShopPrometheus prometheus, ITestOutputHelper output) : IClassFixture<ShopPrometheus>
{
    private static string Shop => Path.Combine(Repo.TestDir, "Resources", "shop");

    [Fact]
    public void Recommend_ThenCheck_ReportsRequestsFarFromUsage()
    {
        var folder = Directory.CreateTempSubdirectory("faultline-resources-").FullName;
        try
        {
            var file = Path.Combine(folder, "recommendations.json");
            var watch = Stopwatch.StartNew();
            var recommend = Repo.Run(["resources", "recommend", "--prometheus", prometheus.Server.Url.ToString(), "--namespace", "shop", "--window", "14d", "--format", "json", "-o", file]);
            output.WriteLine($"recommend over 14d: {watch.ElapsedMilliseconds} ms; {recommend.Stderr}");
            Assert.True(recommend.Exit == 0, recommend.Stderr);
            Assert.Contains("read 4 containers", recommend.Stderr);

            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(1, doc.RootElement.GetProperty("schemaVersion").GetInt32());
            var recs = doc.RootElement.GetProperty("recommendations").EnumerateArray().ToDictionary(r => r.GetProperty("workload").GetString()!);
            Assert.Equal("736Mi", recs["cache"].GetProperty("memory").GetProperty("limit").GetString());
            Assert.Equal(6, recs["cache"].GetProperty("memory").GetProperty("oomKills").GetInt32());
            Assert.Equal(JsonValueKind.Null, recs["checkout"].GetProperty("cpu").GetProperty("limit").ValueKind);
            Assert.Equal(72, recs["checkout"].GetProperty("cpu").GetProperty("history").GetProperty("coveredHours").GetDouble(), 0);
            Assert.StartsWith("too little history", recs["nightly-report"].GetProperty("cpu").GetProperty("refusal").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("summary").GetProperty("recommended").GetInt32());

            var check = Repo.Run(["resources", "check", Shop, "--recommendations", file, "--format", "json", "--fail-on", "medium"]);

            Assert.Equal(1, check.Exit);
            using var report = JsonDocument.Parse(check.Stdout);
            var findings = report.RootElement.GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("ruleId").GetString() == "resources.request-far-from-usage")
                .Select(f => $"{f.GetProperty("severity").GetString()} {f.GetProperty("resource").GetProperty("name").GetString()}:{f.GetProperty("line").GetInt32()} {f.GetProperty("message").GetString()}")
                .Order()
                .ToList();
            output.WriteLine(string.Join("\n", findings));
            Assert.Equal(4, findings.Count);
            Assert.StartsWith("low search:42 container 'search' of Deployment/search requests 1536Mi memory, 3x the 520Mi", findings[0]);
            Assert.StartsWith("low search:42 container 'search' of Deployment/search requests 3 CPU, 2.5x the 1200m", findings[1]);
            Assert.StartsWith("medium cache:66 container 'redis' of StatefulSet/cache has a memory limit of 512Mi, below the 736Mi", findings[2]);
            Assert.StartsWith("medium checkout:19 container 'app' of Deployment/checkout requests 100m CPU, below the 2", findings[3]);

            var sarif = Repo.Run(["resources", "check", Shop, "--recommendations", file, "--format", "sarif"]);
            Assert.Contains("resources.request-far-from-usage", sarif.Stdout);
            var plain = Repo.Run(["check", Shop, "--format", "json"]);
            Assert.DoesNotContain("resources.request-far-from-usage", plain.Stdout);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Recommend_Text_ShowsTheHistoryAndABlock()
    {
        var run = Repo.Run(["resources", "recommend", "--prometheus", prometheus.Server.Url.ToString(), "--namespace", "shop", "--window", "4d", "--strategy", "vpa"]);

        Assert.Equal(0, run.Exit);
        Assert.Contains("shop/cache container redis\n", run.Stdout);
        Assert.Contains("VPA: p90 of", run.Stdout);
        Assert.Contains("history: ", run.Stdout);
        Assert.Contains("  resources:\n    requests:\n", run.Stdout);
        Assert.Contains("no recommendation: too little history: 1 h of CPU samples", run.Stdout);
        Assert.EndsWith("4 containers: 3 with a recommendation, 1 without (vpa strategy, at least 3 h of history)\n", run.Stdout);
    }

    [Fact]
    public void Recommend_Unreachable_Exits3WithTheReason()
    {
        var run = Repo.Run(["resources", "recommend", "--prometheus", $"http://127.0.0.1:{LocalService.FreePort()}/"]);

        Assert.Equal(3, run.Exit);
        Assert.Contains("cannot reach Prometheus", run.Stderr);
    }

    [Fact]
    public void Recommend_TooLittleHistoryEverywhere_Exits3()
    {
        var run = Repo.Run(["resources", "recommend", "--prometheus", prometheus.Server.Url.ToString(), "--namespace", "shop", "--min-history", "5d"]);

        Assert.Equal(3, run.Exit);
        Assert.Contains("no container has enough history", run.Stderr);
    }
}

public sealed class ResourcesOfflineTests
{
    [Fact]
    public void Recommend_FromSamplesCsv_AndBadRowsWithLines()
    {
        var folder = Directory.CreateTempSubdirectory("faultline-samples-").FullName;
        try
        {
            var csv = new System.Text.StringBuilder("timestamp,container,cpu_cores,memory_bytes\n");
            for (var i = 0; i <= 240; i++)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{1764000000 + (i * 60)},worker,{(i % 20 == 0 ? 0.9 : 0.3)},{(200 + (i % 10)) * 1048576}\n");
            }
            var good = Path.Combine(folder, "load.csv");
            File.WriteAllText(good, csv.ToString());
            var bad = Path.Combine(folder, "bad.csv");
            File.WriteAllText(bad, "timestamp,container,cpu_cores,memory_bytes\n1764000000,worker,half,100\n");

            var run = Repo.Run(["resources", "recommend", "--samples", good, "--format", "json"]);
            var broken = Repo.Run(["resources", "recommend", "--samples", bad]);
            var both = Repo.Run(["resources", "recommend", "--samples", good, "--prometheus", "http://127.0.0.1:9/"]);

            Assert.Equal(0, run.Exit);
            using var doc = JsonDocument.Parse(run.Stdout);
            var rec = doc.RootElement.GetProperty("recommendations")[0];
            Assert.Equal(JsonValueKind.Null, rec.GetProperty("workload").ValueKind);
            Assert.Equal("900m", rec.GetProperty("cpu").GetProperty("request").GetString());
            // 209Mi x 1.15 = 240.35Mi, rounded up.
            Assert.Equal("241Mi", rec.GetProperty("memory").GetProperty("request").GetString());
            Assert.Equal(2, broken.Exit);
            Assert.Contains("bad.csv:2: error: cpu_cores 'half' is not a non-negative number", broken.Stderr);
            Assert.Equal(2, both.Exit);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Readme_LoadTestExample_FindsCartBelowAndCatalogAboveItsUsage()
    {
        var file = Path.Combine(Path.GetTempPath(), $"faultline-readme-recs-{Environment.ProcessId}.json");
        try
        {
            var recommend = Repo.Run(["resources", "recommend", "--samples", "examples/resources/load-test.csv", "--format", "json", "-o", file]);
            var check = Repo.Run(["resources", "check", "examples/shop", "--recommendations", file]);

            Assert.Equal(0, recommend.Exit);
            Assert.Equal(1, check.Exit);
            Assert.Contains("container 'cart' of Deployment/cart requests 200m CPU, below the 405m", check.Stdout);
            Assert.Contains("container 'cart' of Deployment/cart requests 128Mi memory, below the 213Mi", check.Stdout);
            Assert.Contains("container 'catalog' of Deployment/catalog requests 100m CPU, 4.5x the 22m", check.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Defaults_WithoutPath_PrintsABlock_WithPath_ListsContainersWithoutRequests()
    {
        var block = Repo.Run(["resources", "defaults"]);
        var listed = Repo.Run(["resources", "defaults", Path.Combine(Repo.TestDir, "Resources", "shop"), "--cpu", "50m", "--memory", "128Mi"]);

        Assert.Equal(0, block.Exit);
        Assert.StartsWith("resources:\n  requests:\n    cpu: 100m", block.Stdout);
        Assert.Contains("  limits:\n    memory: 256Mi", block.Stdout);
        Assert.Equal(0, listed.Exit);
        Assert.Contains("workloads.yaml:85: shop/CronJob/nightly-report container report: no cpu and memory request\n    resources:\n      requests:\n        cpu: 50m", listed.Stdout);
        Assert.EndsWith("1 container without requests; replace these starting values with `faultline resources recommend` once they have run for a few hours\n", listed.Stdout);
    }
}
