using Faultline.Core.Upgrade;

namespace Faultline.Core.Tests.Upgrade;

/// <summary>Helm kubeVersion constraints, checked the way Helm (Masterminds/semver) reads them, on release versions.</summary>
public sealed class SemverRangeTests
{
    [Theory]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.22.0", true)]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.30.14", true)]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.31.0", false)]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.21.9", false)]
    [InlineData(">= 1.22.0, < 1.31.0", "1.31.0", false)]
    [InlineData("~1.28", "1.28.7", true)]
    [InlineData("~1.28", "1.29.0", false)]
    [InlineData("~1.28.3", "1.28.2", false)]
    [InlineData("~>1.28", "1.28.0", true)]
    [InlineData("^1.27", "1.35.1", true)]
    [InlineData("^1.27", "1.26.9", false)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("^0.0.3", "0.0.4", false)]
    [InlineData("1.29.x", "1.29.4", true)]
    [InlineData("1.29.x", "1.30.0", false)]
    [InlineData("1.26 - 1.28", "1.28.9", true)]
    [InlineData("1.26 - 1.28", "1.29.0", false)]
    [InlineData("1.26.0 - 1.28.2", "1.28.3", false)]
    [InlineData("<1.25 || >=1.28", "1.26.0", false)]
    [InlineData("<1.25 || >=1.28", "1.29.0", true)]
    [InlineData(">1.30", "1.30.5", false)]
    [InlineData(">1.30", "1.31.0", true)]
    [InlineData("<=1.30", "1.30.5", true)]
    [InlineData("!=1.30.2", "1.30.2", false)]
    [InlineData("*", "1.35.0", true)]
    [InlineData("v1.25.0", "1.25.0", true)]
    [InlineData("=1.25", "1.25.3", true)]
    public void Allows_ReleaseVersion(string constraint, string version, bool expected)
    {
        var range = SemverRange.TryParse(constraint, out var error);
        Assert.True(range is not null, error);
        var parts = version.Split('.').Select(int.Parse).ToArray();

        Assert.Equal(expected, range.Allows(parts[0], parts[1], parts[2]));
    }

    [Theory]
    [InlineData(">= banana")]
    [InlineData("1.2.3.4")]
    [InlineData("~~1.2")]
    public void TryParse_Garbage_SaysWhy(string constraint)
    {
        Assert.Null(SemverRange.TryParse(constraint, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void AllowedPatches_PartialMinor_GivesTheBounds()
    {
        var range = SemverRange.TryParse(">=1.25.3 <1.26.0", out _)!;

        var (lowest, highest, all) = range.AllowedPatches(new KubeVersion(1, 25));

        Assert.Equal(3, lowest);
        Assert.Equal(200, highest);
        Assert.False(all);
    }
}
