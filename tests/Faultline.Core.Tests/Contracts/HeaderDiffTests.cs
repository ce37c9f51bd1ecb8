using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;
using static Faultline.Core.Contracts.SpecDiff.RuleIds;

namespace Faultline.Core.Tests.Contracts;

/// <summary>Response headers are fields of the response: removing one or changing its type breaks readers.</summary>
public sealed class HeaderDiffTests
{
    private static string Oas3(string headers) => $$"""
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /charges:
            get:
              responses:
                "200":
                  description: ok
                  headers: {{headers}}
        """;

    private static string Swagger2(string headers) => $$"""
        swagger: "2.0"
        info: {title: t, version: "1"}
        paths:
          /charges:
            get:
              responses:
                "200":
                  description: ok
                  headers: {{headers}}
        """;

    private static IReadOnlyList<ContractChange> Diff(string baseText, string headText)
    {
        var diagnostics = new List<InputDiagnostic>();
        var b = OpenApiReader.Read("base.yaml", diagnostics, _ => baseText)!;
        var h = OpenApiReader.Read("head.yaml", diagnostics, _ => headText)!;
        Assert.Empty(diagnostics);
        return SpecDiff.Diff(b, h);
    }

    [Fact]
    public void Oas3_HeaderRemoved_IsResponseFieldRemoved()
    {
        var change = Assert.Single(Diff(Oas3("{X-Rate-Limit: {schema: {type: integer}}, ETag: {schema: {type: string}}}"), Oas3("{ETag: {schema: {type: string}}}")));
        Assert.Equal(ResponseFieldRemoved, change.RuleId);
        Assert.Equal("header:X-Rate-Limit", change.FieldPath);
        Assert.Equal("response 200: header X-Rate-Limit was removed", change.Description);
        Assert.Equal(9, change.BaseLocation!.Value.Line);
    }

    [Fact]
    public void Oas3_HeaderNameChangesCaseOnly_IsNoChange()
    {
        Assert.Empty(Diff(Oas3("{X-Rate-Limit: {schema: {type: integer}}}"), Oas3("{x-rate-limit: {schema: {type: integer}}}")));
    }

    [Fact]
    public void Swagger2_HeaderRemovedAndTypeChanged_AreReported()
    {
        var changes = Diff(Swagger2("{X-Rate-Limit: {type: integer}, X-Request-Id: {type: string}}"), Swagger2("{X-Rate-Limit: {type: string}}"));
        Assert.Equal([(ResponseFieldTypeChanged, "header:X-Rate-Limit"), (ResponseFieldRemoved, "header:X-Request-Id")],
            changes.Select(c => (c.RuleId, c.FieldPath)));
    }

    [Fact]
    public void ReaderOfTheHeader_ReadsTheChangedField()
    {
        var reader = new ConsumerExpectation("web", "api", null, "GET", "/charges", ["header:X-Rate-Limit"], [], ExpectationOrigin.Assumptions, new SourceLocation("f", 1));
        Assert.True(reader.ReadsField("header:X-Rate-Limit"));
        Assert.False(reader.ReadsField("header:ETag"));
    }

    /// <summary>One change to a header that stays: the rule it breaks and the description, as a response field's would read.</summary>
    [Theory]
    [InlineData("{X-Rate-Limit: {schema: {type: integer}}}", "{x-rate-limit: {schema: {type: string}}}",
        ResponseFieldTypeChanged, "header X-Rate-Limit changed type from integer to string")]
    [InlineData("{X-Rate-Limit: {schema: {type: integer, format: int32}}}", "{X-Rate-Limit: {schema: {type: integer, format: int64}}}",
        ResponseFieldTypeChanged, "header X-Rate-Limit changed type from integer (int32) to integer (int64)")]
    [InlineData("{ETag: {required: true, schema: {type: string}}}", "{ETag: {schema: {type: string}}}",
        ResponseFieldBecameOptional, "header ETag is no longer required")]
    [InlineData("{ETag: {schema: {type: string}}}", "{ETag: {schema: {type: string, nullable: true}}}",
        ResponseFieldBecameOptional, "header ETag may now be null")]
    [InlineData("{X-Tier: {schema: {type: string, enum: [free, pro]}}}", "{X-Tier: {schema: {type: string, enum: [free, pro, team]}}}",
        ResponseEnumValueAdded, "header X-Tier may now be \"team\"")]
    [InlineData("{X-Tier: {schema: {type: string, enum: [free, pro]}}}", "{X-Tier: {schema: {type: string}}}",
        ResponseEnumValueAdded, "header X-Tier is no longer limited to \"free\", \"pro\"")]
    public void Oas3_HeaderChange_IsReportedAsForAResponseField(string before, string after, string rule, string description)
    {
        var change = Assert.Single(Diff(Oas3(before), Oas3(after)));
        Assert.Equal(rule, change.RuleId);
        Assert.Equal("response 200: " + description, change.Description);
    }

    [Fact]
    public void Oas3_HeaderEnumLosesAValue_IsNoChange()
    {
        Assert.Empty(Diff(Oas3("{X-Tier: {schema: {type: string, enum: [free, pro]}}}"), Oas3("{X-Tier: {schema: {type: string, enum: [free]}}}")));
    }

    [Fact]
    public void Swagger2_HeadersAreNeverRequired_SoNoBecameOptional()
    {
        // A `required` written on a Swagger 2 header is not part of Swagger 2, so dropping it promises nothing less.
        Assert.Empty(Diff(Swagger2("{ETag: {type: string, required: true}}"), Swagger2("{ETag: {type: string}}")));
        // The same change in OpenAPI 3 is one.
        Assert.Single(Diff(Oas3("{ETag: {required: true, schema: {type: string}}}"), Oas3("{ETag: {schema: {type: string}}}")));
    }
}
