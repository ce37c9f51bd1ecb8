using Faultline.Core.Documents;
using Faultline.Sources.Judge;

namespace Faultline.Sources.Tests.Judge;

public sealed class RequestCsvTests
{
    private static (RequestTable Table, List<InputDiagnostic> Diagnostics) Parse(string text)
    {
        var diagnostics = new List<InputDiagnostic>();
        return (RequestCsv.Parse(text, "c.csv", diagnostics), diagnostics);
    }

    [Fact]
    public void Parse_RequiredAndExtraColumns_InAnyOrder()
    {
        var (table, diagnostics) = Parse("accuracy,status,latency_ms,endpoint\r\n0.9,200,12.5,/a\r\n\r\n,503,40,/b\n");

        Assert.Empty(diagnostics);
        Assert.Equal(["accuracy", "endpoint"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal((2, 12.5, 200), (table.Rows[0].Line, table.Rows[0].LatencyMs, table.Rows[0].Status));
        Assert.Equal(4, table.Rows[1].Line);
        Assert.True(double.IsNaN(table.Rows[1].Others[0]));
        Assert.Equal(["accuracy"], table.NumericColumns());
        Assert.Equal((2, "/a"), table.NonNumeric["endpoint"]);
    }

    [Fact]
    public void Parse_Timestamps_UnixSecondsOrIso8601()
    {
        var (table, diagnostics) = Parse("timestamp,latency_ms,status\n1767225600.5,1,200\n2026-01-01T00:00:01Z,1,200\n2026-01-01T01:00:00+01:00,1,200\n");

        Assert.Empty(diagnostics);
        Assert.True(table.HasTimestamp);
        Assert.Equal([1767225600.5, 1767225601, 1767225600], table.Rows.Select(r => r.Timestamp!.Value));
    }

    [Fact]
    public void Parse_QuotedFields_KeepCommasAndQuotes()
    {
        var (table, diagnostics) = Parse("latency_ms,status,note\n1,200,\"a, \"\"b\"\"\"\n");

        Assert.Empty(diagnostics);
        Assert.Equal((2, "a, \"b\""), table.NonNumeric["note"]);
    }

    [Fact]
    public void Parse_BadValues_AreReportedWithTheirLines()
    {
        var (table, diagnostics) = Parse("latency_ms,status,timestamp\n10,200,1\nabc,200,2\n10,OK,3\n-1,200,4\n10,200\n10,200,yesterday\n");

        Assert.Equal(
            [
                "c.csv:3: error: latency_ms 'abc' is not a non-negative number",
                "c.csv:4: error: status 'OK' is not an HTTP status code (0 for no response)",
                "c.csv:5: error: latency_ms '-1' is not a non-negative number",
                "c.csv:6: error: 2 fields, but the header has 3",
                "c.csv:7: error: timestamp 'yesterday' is neither Unix seconds nor an ISO-8601 date and time",
            ],
            diagnostics.Select(d => d.ToString()));
        Assert.Single(table.Rows);
    }

    [Fact]
    public void Parse_MissingColumnOrEmptyFile_IsAnError()
    {
        Assert.Equal("c.csv:1: error: missing column 'status' (the header has: latency_ms, score)", Parse("latency_ms,score\n1,0.5\n").Diagnostics.Single().ToString());
        Assert.StartsWith("c.csv:1: error: the file is empty", Parse("").Diagnostics.Single().ToString());
        Assert.Contains("appears more than once", Parse("latency_ms,status,status\n").Diagnostics.Single().Message);
    }

    [Fact]
    public void Parse_HeaderOnly_IsAnEmptySideNotAnError()
    {
        var (table, diagnostics) = Parse("latency_ms,status\n");

        Assert.Empty(diagnostics);
        Assert.Empty(table.Rows);
    }
}
