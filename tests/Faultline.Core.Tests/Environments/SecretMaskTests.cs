using Faultline.Core.Documents;
using Faultline.Core.Environments;
using Faultline.Core.Model;
using Faultline.Sources.Inputs;

namespace Faultline.Core.Tests.Environments;

/// <summary>Secret-looking values never reach a difference's text, whole or in part.</summary>
public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("DB_PASSWORD", "hunter2")]
    [InlineData("STRIPE_API_KEY", "abc123")]
    [InlineData("GITHUB_TOKEN", "abc123")]
    [InlineData("client-secret", "abc123")]
    [InlineData("SENTRY_DSN", "https://abc@sentry.io/1")]
    [InlineData("SQL_CONNECTION_STRING", "Server=db;User=sa")]
    [InlineData("signing.key", "abc123")]
    [InlineData("ANY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("ANY", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("ANY", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("ANY", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")]
    [InlineData("ANY", "-----BEGIN RSA PRIVATE KEY-----\nMIIB")]
    public void Apply_SecretNameOrValue_MasksWhole(string name, string value)
    {
        Assert.Equal(SecretMask.Mask, SecretMask.Apply(name, value));
    }

    [Theory]
    [InlineData("DATABASE_URL", "postgres://app:s3cret@db:5432/app", "postgres://app:***@db:5432/app")]
    [InlineData("STORAGE", "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=abc==;", "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=***;")]
    [InlineData("DB", "Host=db;Username=app;Password=s3cret", "Host=db;Username=app;Password=***")]
    [InlineData("PUBLIC_URL", "https://shop.example.com", "https://shop.example.com")]
    [InlineData("TIMEOUT_MS", "800", "800")]
    public void Apply_SecretPart_MasksOnlyThatPart(string name, string value, string expected)
    {
        Assert.Equal(expected, SecretMask.Apply(name, value));
    }

    [Fact]
    public void EnvDiff_SecretValues_AppearInNoTextOfAnyDifference()
    {
        static SystemModel Model(string password, string token, string file)
        {
            var yaml = $"""
                apiVersion: v1
                kind: ConfigMap
                metadata: {"{"}name: app, namespace: shop{"}"}
                data:
                  DB_PASSWORD: "{password}"
                  DATABASE_URL: "postgres://app:{password}@db:5432/app"
                  STRIPE: "{token}"
                  FLAG_TOKEN_ENABLED: "{token}"
                """;
            var manifests = new List<Manifest>();
            new ManifestLoader(new InputOptions()).ReadObjects(file, yaml, manifests, []);
            return ModelBuilder.Build(manifests);
        }

        var result = EnvDiff.Compare(
            new EnvSnapshot("staging", Model("stg-Pa55", "sk_test_51HxStagingToken", "a.yaml")),
            new EnvSnapshot("production", Model("prd-Pa55", "sk_live_51HxProductionToken", "b.yaml")));

        Assert.Equal(4, result.Differences.Count);
        foreach (var d in result.Differences)
        {
            var text = string.Join("\n", d.Summary, d.Risk, d.A.Shown, d.B.Shown, d.Id);
            Assert.DoesNotContain("Pa55", text);
            Assert.DoesNotContain("Token", text);
        }
        Assert.All(result.Differences, d => Assert.Equal(Findings.Severity.Info, d.Severity));
    }
}
