using System.Text.RegularExpressions;
using Faultline.Core.Images;

namespace Faultline.Core.Tests.Images;

public class RetentionPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An image created <paramref name="daysAgo"/> days before Now, 10 MB, with the given repo:tag names.</summary>
    private static ImageRecord Image(string id, double daysAgo, params string[] tags) => new()
    {
        Id = "sha256:" + id.PadRight(64, '0'),
        Tags = tags.Select(t => ImageTag.Parse(t)!).ToList(),
        Created = Now - TimeSpan.FromDays(daysAgo),
        Size = 10_000_000,
    };

    private static ContainerRecord Container(string name, ImageRecord image, bool running, string? imageName = null) => new()
    {
        Id = name + "-id",
        Name = name,
        ImageId = image.Id,
        ImageName = imageName ?? image.Tags.FirstOrDefault()?.Reference,
        State = running ? "running" : "exited",
    };

    /// <summary>Five images of app, one a day, a1 the newest.</summary>
    private static List<ImageRecord> FiveApps() =>
        [Image("a1", 1, "app:5"), Image("a2", 2, "app:4"), Image("a3", 3, "app:3"), Image("a4", 4, "app:2"), Image("a5", 5, "app:1")];

    private static RetentionPolicy Repos(params string[] repos) => new() { Repositories = repos };

    private static List<string> Removed(RetentionPlan plan) => plan.Removals.SelectMany(r => r.Tags).Select(t => t.Reference).Order(StringComparer.Ordinal).ToList();

    private static PlannedImage Entry(RetentionPlan plan, string reference) => plan.Images.Single(i => i.Tags.Any(t => t.Reference == reference));

    [Fact]
    public void Plan_KeepN_KeepsNewestAndRemovesTheRest()
    {
        var plan = RetentionPlanner.Plan(FiveApps(), [], Repos("app") with { Keep = 3 }, Now);
        Assert.Equal(["app:1", "app:2"], Removed(plan));
        Assert.Contains(Entry(plan, "app:5").Reasons, r => r.Kind == KeepReasonKind.Newest && r.Text == "newest 3 in app (#1)");
        Assert.Equal(20_000_000, plan.BytesToFree);
        Assert.Contains("beyond the newest 3", Entry(plan, "app:1").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DefaultKeep_IsThree()
    {
        var plan = RetentionPlanner.Plan(FiveApps(), [], Repos("app"), Now);
        Assert.Equal(3, plan.Kept.Count());
    }

    [Fact]
    public void Plan_KeepZero_RemovesEverythingUnused()
    {
        var plan = RetentionPlanner.Plan(FiveApps(), [], Repos("app") with { Keep = 0 }, Now);
        Assert.Equal(5, plan.Removals.Count());
    }

    [Fact]
    public void Plan_KeepWithin_KeepsRecentImagesBeyondN()
    {
        var plan = RetentionPlanner.Plan(FiveApps(), [], Repos("app") with { Keep = 1, KeepWithin = TimeSpan.FromDays(3.5) }, Now);
        Assert.Equal(["app:1", "app:2"], Removed(plan));
        var reason = Assert.Single(Entry(plan, "app:3").Reasons);
        Assert.Equal(KeepReasonKind.Recent, reason.Kind);
        Assert.Equal("created 3d ago, within keep-within 3d12h", reason.Text);
    }

    [Fact]
    public void Plan_StoppedContainer_KeepsItsImage()
    {
        var images = FiveApps();
        var plan = RetentionPlanner.Plan(images, [Container("batch", images[4], running: false)], Repos("app") with { Keep = 1 }, Now);
        var reason = Assert.Single(Entry(plan, "app:1").Reasons);
        Assert.Equal("used by container batch (stopped)", reason.Text);
        Assert.Equal(KeepReasonKind.InUse, reason.Kind);
    }

    [Fact]
    public void Plan_RunningContainerOnOldImage_KeepsItAndItsRollbackTarget()
    {
        var images = FiveApps();
        // web runs app:3 (a3); its rollback target is app:2 (a4), the newest older one; app:1 goes.
        var plan = RetentionPlanner.Plan(images, [Container("web", images[2], running: true)], Repos("app") with { Keep = 1 }, Now);
        Assert.Equal(["app:1", "app:4"], Removed(plan));
        Assert.Contains(Entry(plan, "app:3").Reasons, r => r.Text == "used by container web (running)");
        var target = Assert.Single(Entry(plan, "app:2").Reasons);
        Assert.Equal(KeepReasonKind.RollbackTarget, target.Kind);
        Assert.Equal("rollback target of running container web (the newest app image older than app:3)", target.Text);
    }

    [Fact]
    public void Plan_StoppedContainer_HasNoRollbackTarget()
    {
        var images = FiveApps();
        var plan = RetentionPlanner.Plan(images, [Container("web", images[2], running: false)], Repos("app") with { Keep = 1 }, Now);
        Assert.Equal(["app:1", "app:2", "app:4"], Removed(plan));
    }

    [Fact]
    public void Plan_RunningImageWhoseTagMovedOn_StillFindsTheRepositoryForItsRollbackTarget()
    {
        var images = FiveApps();
        var dangling = images[2] with { Tags = [] };
        images[2] = dangling;
        var plan = RetentionPlanner.Plan(images, [Container("web", dangling, running: true, imageName: "app:3")], Repos("app") with { Keep = 1 }, Now);
        Assert.Contains(Entry(plan, "app:2").Reasons, r => r.Kind == KeepReasonKind.RollbackTarget);
        Assert.DoesNotContain(plan.Images, i => i.Image.Id == dangling.Id);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("app:1")]
    [InlineData("sha256:a5")]
    [InlineData("a50000000000")]
    public void Plan_Protect_KeepsTheNamedTagOrDigest(string protect)
    {
        var plan = RetentionPlanner.Plan(FiveApps(), [], Repos("app") with { Keep = 0, Protect = [protect] }, Now);
        Assert.DoesNotContain("app:1", Removed(plan));
        Assert.Equal(KeepReasonKind.Protected, Assert.Single(Entry(plan, "app:1").Reasons).Kind);
        Assert.Equal(4, plan.Removals.Count());
    }

    [Fact]
    public void Plan_ProtectRepoTag_DoesNotProtectTheSameTagInAnotherRepository()
    {
        var images = new List<ImageRecord> { Image("a1", 9, "app:1"), Image("b1", 9, "web:1") };
        var plan = RetentionPlanner.Plan(images, [], Repos("app", "web") with { Keep = 0, Protect = ["app:1"] }, Now);
        Assert.Equal(["web:1"], Removed(plan));
    }

    [Fact]
    public void Plan_KeepTagsRegex_KeepsMatchingTags()
    {
        var images = new List<ImageRecord> { Image("a1", 9, "app:v1.2.0"), Image("a2", 10, "app:build-17"), Image("a3", 11, "app:v1.1.0") };
        var plan = RetentionPlanner.Plan(images, [], Repos("app") with { Keep = 0, KeepTags = [new Regex(@"^v\d+\.\d+\.\d+$")] }, Now);
        Assert.Equal(["app:build-17"], Removed(plan));
        Assert.Equal(@"tag v1.2.0 matches keep-tags '^v\d+\.\d+\.\d+$'", Assert.Single(Entry(plan, "app:v1.2.0").Reasons).Text);
    }

    [Fact]
    public void Plan_ImageTaggedInTwoRepositories_RemovesOnlyTheCandidateTagAndFreesNothing()
    {
        var shared = Image("s1", 30, "app:old", "base:stable");
        var plan = RetentionPlanner.Plan([shared, Image("a1", 1, "app:new")], [], Repos("app") with { Keep = 1 }, Now);
        var entry = Entry(plan, "app:old");
        Assert.Equal(RetentionAction.Remove, entry.Action);
        Assert.Equal(["app:old"], entry.Tags.Select(t => t.Reference));
        Assert.Equal(["base:stable"], entry.OtherTags.Select(t => t.Reference));
        Assert.False(entry.FreesImage);
        Assert.Equal(0, plan.BytesToFree);
        Assert.DoesNotContain(plan.Images, i => i.Repository == "base");
    }

    [Fact]
    public void Plan_ImageTaggedInTwoCandidateRepositories_IsFreedWhenBothTagsGo()
    {
        var shared = Image("s1", 30, "app:old", "mirror:old");
        var plan = RetentionPlanner.Plan([shared, Image("a1", 1, "app:new"), Image("m1", 1, "mirror:new")], [], Repos("app", "mirror") with { Keep = 1 }, Now);
        Assert.All(plan.Removals, r => Assert.True(r.FreesImage));
        Assert.Equal(10_000_000, plan.BytesToFree);
    }

    [Fact]
    public void Plan_SharedDigest_IsKeptWhenOneOfItsTagsIsKept()
    {
        // A registry digest with tags 1.0 and stable: stable is protected, so deleting the digest is not allowed.
        var digest = Image("d1", 30, "app:1.0", "app:stable");
        var plan = RetentionPlanner.Plan([digest, Image("d2", 1, "app:2.0")], [], Repos("app") with { Keep = 1, Protect = ["stable"] }, Now);
        var entry = Entry(plan, "app:1.0");
        Assert.Equal(RetentionAction.Keep, entry.Action);
        Assert.Equal("stable", Assert.Single(entry.Reasons).Tag);
        Assert.Equal("1.0 would be removed, but shares the image with stable: a digest is deleted only when all its tags are candidates", entry.Note);
    }

    [Fact]
    public void Plan_SharedDigestAllCandidates_IsRemovedWithAllItsTags()
    {
        var digest = Image("d1", 30, "app:1.0", "app:1.0-final");
        var plan = RetentionPlanner.Plan([digest, Image("d2", 1, "app:2.0")], [], Repos("app") with { Keep = 1 }, Now);
        var entry = Entry(plan, "app:1.0");
        Assert.Equal(RetentionAction.Remove, entry.Action);
        Assert.Contains("removing it takes tags 1.0, 1.0-final", entry.Note, StringComparison.Ordinal);
        Assert.Single(plan.Removals);
    }

    [Fact]
    public void PlanRegistry_RemovalNote_SaysNothingAboutContainers()
    {
        var plan = RetentionPlanner.PlanRegistry(FiveApps(), Repos("app") with { Keep = 4 }, Now);
        Assert.Equal("#5 in app, beyond the newest 4; created 5d ago; not protected", Assert.Single(plan.Removals).Note);
    }

    [Fact]
    public void Plan_UnknownCreationTime_IsKept()
    {
        var images = FiveApps();
        images[4] = images[4] with { Created = DateTimeOffset.MinValue };
        var plan = RetentionPlanner.Plan(images, [], Repos("app") with { Keep = 0 }, Now);
        Assert.Equal(KeepReasonKind.UnknownAge, Assert.Single(Entry(plan, "app:1").Reasons).Kind);
        Assert.Equal(4, plan.Removals.Count());
    }

    [Fact]
    public void Plan_NonCandidateRepositories_AreNotTouched()
    {
        var images = FiveApps().Append(Image("o1", 90, "other:1")).ToList();
        var plan = RetentionPlanner.Plan(images, [], Repos("app") with { Keep = 0 }, Now);
        Assert.Equal(["app"], plan.Repositories);
        Assert.DoesNotContain(plan.Images, i => i.Repository == "other");
    }

    [Fact]
    public void Plan_RulesFirstMatchWins_AndUnsetValuesFallBackToDefaults()
    {
        var images = new List<ImageRecord>
        {
            Image("a1", 1, "shop/api:3"), Image("a2", 2, "shop/api:2"), Image("a3", 3, "shop/api:1"),
            Image("b1", 1, "shop/web:3"), Image("b2", 2, "shop/web:2"), Image("b3", 3, "shop/web:1"),
            Image("c1", 1, "tools/ci:1"),
        };
        var policy = new RetentionPolicy
        {
            Keep = 2,
            Rules = [new RetentionRule { Pattern = "shop/api", Keep = 1 }, new RetentionRule { Pattern = "shop/*", Keep = 3 }, new RetentionRule { Pattern = "shop/web", Keep = 0 }],
        };
        var plan = RetentionPlanner.Plan(images, [], policy, Now);
        Assert.Equal(["shop/api", "shop/web"], plan.Repositories);
        Assert.Equal(["shop/api:1", "shop/api:2"], Removed(plan));
        Assert.Equal(1, plan.Settings[0].Keep);
        Assert.Equal(3, plan.Settings[1].Keep);
    }

    [Fact]
    public void Plan_RuleWithoutKeep_UsesPolicyDefaultsAndAddsItsOwnLists()
    {
        var policy = new RetentionPolicy
        {
            Keep = 4,
            KeepWithin = TimeSpan.FromDays(2),
            Protect = ["x"],
            Rules = [new RetentionRule { Pattern = "app", Protect = ["y"], KeepTags = [new Regex("^rel")] }],
        };
        var effective = policy.For("app");
        Assert.Equal(4, effective.Keep);
        Assert.Equal(TimeSpan.FromDays(2), effective.KeepWithin);
        Assert.Equal(["x", "y"], effective.Protect);
        Assert.Single(effective.KeepTags);
    }

    [Fact]
    public void Plan_AppliedPlan_PlansNothingTheSecondTime()
    {
        var images = FiveApps();
        var containers = new List<ContainerRecord> { Container("web", images[3], running: true) };
        var policy = Repos("app") with { Keep = 1 };
        var first = RetentionPlanner.Plan(images, containers, policy, Now);
        var removed = first.Removals.Select(r => r.Image.Id).ToHashSet();
        Assert.NotEmpty(removed);
        var second = RetentionPlanner.Plan(images.Where(i => !removed.Contains(i.Id)).ToList(), containers, policy, Now);
        Assert.Empty(second.Removals);
    }

    [Theory]
    [InlineData("app", "app", true)]
    [InlineData("app", "app2", false)]
    [InlineData("shop/*", "shop/api", true)]
    [InlineData("shop/*", "shop/api/v2", false)]
    [InlineData("shop/**", "shop/api/v2", true)]
    [InlineData("127.0.0.1:5000/shop/*", "127.0.0.1:5000/shop/web", true)]
    [InlineData("app-?", "app-1", true)]
    [InlineData("app.x", "appXx", false)]
    public void RepositoryPattern_Globs(string pattern, string repository, bool expected) =>
        Assert.Equal(expected, RepositoryPattern.Matches(pattern, repository));

    [Theory]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("2w", 14 * 24 * 60)]
    [InlineData("1d12h", 36 * 60)]
    [InlineData("90m", 90)]
    public void RetentionAge_Parses(string text, int minutes) => Assert.Equal(TimeSpan.FromMinutes(minutes), RetentionAge.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("7days")]
    [InlineData("d")]
    [InlineData("-1d")]
    public void RetentionAge_RefusesOtherText(string text) => Assert.Null(RetentionAge.Parse(text));

    [Fact]
    public void ImageTag_Parse_KeepsARegistryPortInTheRepository()
    {
        Assert.Equal(new ImageTag("127.0.0.1:5000/shop/api", "1.2"), ImageTag.Parse("127.0.0.1:5000/shop/api:1.2"));
        Assert.Null(ImageTag.Parse("127.0.0.1:5000/shop/api"));
        Assert.Null(ImageTag.Parse("<none>@<none>"));
    }
}
