using Faultline.Core.Documents;
using Faultline.Sources.Resources;

namespace Faultline.Sources.Tests.Resources;

public sealed class UsageCsvTests
{
    [Fact]
    public void Parse_RfcAndUnixTimes_GroupsByContainer()
    {
        const string csv = """
            timestamp,container,cpu_cores,memory_bytes
            2026-11-01T00:00:00Z,api,0.25,104857600
            1761955260,api,0.30,110100480
            2026-11-01T00:00:00+01:00,worker,1.5,
            """;
        var diagnostics = new List<InputDiagnostic>();

        var usage = UsageCsv.Parse(csv, "load.csv", diagnostics);

        Assert.Empty(diagnostics);
        var api = Assert.Single(usage, u => u.Key.Container == "api");
        Assert.Null(api.Key.Namespace);
        Assert.Null(api.Key.Workload);
        Assert.Equal([0.25, 0.30], api.Cpu.Select(p => p.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), api.Cpu[0].Time);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1761955260), api.Cpu[1].Time);
        var worker = Assert.Single(usage, u => u.Key.Container == "worker");
        Assert.Single(worker.Cpu);
        Assert.Empty(worker.Memory);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), worker.Cpu[0].Time);
    }

    [Fact]
    public void Parse_OptionalColumns_NameNamespaceWorkloadAndPod()
    {
        const string csv = "namespace,workload,pod,container,timestamp,cpu_cores,memory_bytes\nshop,checkout,checkout-1,app,0,0.1,1000\n";

        var usage = UsageCsv.Parse(csv, "load.csv", []);

        var key = Assert.Single(usage).Key;
        Assert.Equal(("shop", "checkout", "app"), (key.Namespace, key.Workload, key.Container));
        Assert.Equal("checkout-1", usage[0].Cpu[0].Instance);
    }

    [Fact]
    public void Parse_BadRows_AreReportedWithFileAndLine()
    {
        const string csv = "timestamp,container,cpu_cores,memory_bytes\nyesterday,api,0.1,100\n0,api,-1,100\n0,,0.1,100\n0,api,0.1\n";
        var diagnostics = new List<InputDiagnostic>();

        UsageCsv.Parse(csv, "load.csv", diagnostics);

        Assert.Equal(
            [
                "load.csv:2: error: timestamp 'yesterday' is neither RFC 3339 (2026-01-31T12:00:00Z) nor Unix seconds",
                "load.csv:3: error: cpu_cores '-1' is not a non-negative number",
                "load.csv:4: error: container is empty",
                "load.csv:5: error: 3 fields, but the header has 4",
            ],
            diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Parse_MissingColumn_IsAnErrorOnTheHeader()
    {
        var diagnostics = new List<InputDiagnostic>();

        UsageCsv.Parse("\ntime,container,cpu_cores,memory_bytes\n", "load.csv", diagnostics);

        Assert.Equal("load.csv:2: error: missing column 'timestamp' (the header has: time, container, cpu_cores, memory_bytes)", Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void RecommendationsFile_BadQuantity_IsReportedWithItsLine()
    {
        const string json = """
            {
              "recommendations": [
                {"container": "app",
                 "cpu": {"request": "lots"},
                 "memory": {"refusal": "too little history"}}
              ]
            }
            """;
        var diagnostics = new List<InputDiagnostic>();

        RecommendationsFile.Parse(json, "recs.json", diagnostics);

        Assert.Equal("recs.json:4: error: cpu.request 'lots' is not a Kubernetes quantity (250m, 512Mi)", Assert.Single(diagnostics).ToString());
    }
}
