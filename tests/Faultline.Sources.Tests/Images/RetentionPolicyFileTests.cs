using Faultline.Core.Documents;
using Faultline.Sources.Images;

namespace Faultline.Sources.Tests.Images;

public class RetentionPolicyFileTests
{
    [Fact]
    public void Parse_FullPolicy_ReadsDefaultsAndOneRulePerPattern()
    {
        var diagnostics = new List<InputDiagnostic>();
        var policy = RetentionPolicyFile.Parse("""
            defaults: {keep: 4, keepWithin: 7d, protect: [stable]}
            rules:
              - repositories: [shop/*, tools/ci]
                keep: 5
                keepWithin: 1d12h
                keepTags: ['^v\d+']
                protect: sha256:abc
              - repositories: '**'
            """, "policy.yaml", diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(4, policy.Keep);
        Assert.Equal(TimeSpan.FromDays(7), policy.KeepWithin);
        Assert.Equal(["stable"], policy.Protect);
        Assert.Equal(["shop/*", "tools/ci", "**"], policy.Rules.Select(r => r.Pattern));
        Assert.Equal(5, policy.Rules[0].Keep);
        Assert.Equal(TimeSpan.FromHours(36), policy.Rules[1].KeepWithin);
        Assert.Equal(["sha256:abc"], policy.Rules[0].Protect);
        Assert.Matches(policy.Rules[0].KeepTags[0], "v12");
        Assert.Equal("policy.yaml:3", policy.Rules[0].Origin);
        Assert.Null(policy.Rules[2].Keep);
    }

    [Fact]
    public void Parse_BadValues_AreErrorsWithLines()
    {
        var diagnostics = new List<InputDiagnostic>();
        RetentionPolicyFile.Parse("""
            defaults:
              keep: three
            rules:
              - keep: 2
              - repositories: app
                keepWithin: 7days
                keepTags: '(unclosed'
                prune: true
            colour: blue
            """, "p.yaml", diagnostics);
        var messages = diagnostics.Select(d => d.ToString()).ToList();
        Assert.Contains("p.yaml:2: error: defaults.keep must be a whole number of images, 0 or more (got 'three')", messages);
        Assert.Contains(messages, m => m.StartsWith("p.yaml:4: error: rules[0] needs repositories", StringComparison.Ordinal));
        Assert.Contains("p.yaml:6: error: rules[1].keepWithin must be an age such as 7d, 12h, 2w or 1d12h (got '7days')", messages);
        Assert.Contains(messages, m => m.StartsWith("p.yaml:7: error: rules[1].keepTags: '(unclosed' is not a valid regex", StringComparison.Ordinal));
        Assert.Contains("p.yaml:8: error: rules[1]: unknown key 'prune' (known: repositories, keep, keepWithin, keepTags, protect)", messages);
        Assert.Contains("p.yaml:9: error: unknown key 'colour' (known: defaults, rules)", messages);
    }
}
