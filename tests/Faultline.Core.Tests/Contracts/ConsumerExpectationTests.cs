using Faultline.Core.Contracts;
using Faultline.Core.Documents;

namespace Faultline.Core.Tests.Contracts;

public sealed class ConsumerExpectationTests
{
    private static ConsumerExpectation Calls(string method, string path, string[]? reads = null, string[]? sends = null) =>
        new("checkout", "payment", null, method, path, reads ?? [], sends ?? [], ExpectationOrigin.Assumptions, new SourceLocation("f.yaml", 1));

    [Theory]
    [InlineData("limit")]
    [InlineData("query:limit")]
    [InlineData("param:query:limit")]
    public void SendsField_ParameterInAnySpelling_MatchesTheChangedParameter(string sent)
    {
        Assert.True(Calls("GET", "/v1/charges", sends: [sent]).SendsField("param:query:limit"));
    }

    [Fact]
    public void SendsField_EmptyPath_IsNeverAField()
    {
        Assert.False(Calls("POST", "/v1/refunds", sends: ["reason"]).SendsField(""));
    }

    [Theory]
    [InlineData("/v1/charges/ch_1", "/v1/charges/{id}", "", true)]
    [InlineData("/api/v1/charges/ch_1", "/charges/{id}", "/api/v1", true)]
    [InlineData("/api/v1/charges/ch_1", "/charges/{id}", "", false)]
    [InlineData("/v1/charges", "/v1/charges/{id}", "", false)]
    public void Concerns_MatchesTemplatesAndBasePaths(string called, string template, string basePath, bool expected)
    {
        Assert.Equal(expected, Calls("GET", called).Concerns("GET", template, basePath));
    }

    [Fact]
    public void ReadsField_ParentRemoval_HitsAChildReader()
    {
        var e = Calls("GET", "/v1/charges/{id}", reads: ["amount.currency", "items[].id"]);

        Assert.True(e.ReadsField("amount"));
        Assert.True(e.ReadsField("items[].id"));
        Assert.False(e.ReadsField("status"));
    }

    [Fact]
    public void SplitQuery_ReturnsPathAndParameterNames()
    {
        var (path, query) = ConsumerExpectation.SplitQuery("/v1/charges?limit=10&status=void");

        Assert.Equal("/v1/charges", path);
        Assert.Equal(["limit", "status"], query);
    }
}
