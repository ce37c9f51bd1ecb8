using System.Diagnostics;
using System.Text.Json;
using Faultline.Integrations.Registry;
using Xunit.Abstractions;

namespace Faultline.Integrations.Tests.Images;

/// <summary>`faultline images plan` and `prune --registry` against a real registry (docker-registry, deletes enabled).</summary>
[Collection(ImageServicesCollection.Name)]
public sealed class RegistryRetentionTests(ImageServices services, ITestOutputHelper output)
{
    private static DateTimeOffset DaysAgo(int days) => DateTimeOffset.UtcNow.AddDays(-days);

    [Fact]
    public async Task Prune_Registry_DeletesDigestsOnlyWhenAllTheirTagsGo_AndSecondRunIsNoOp()
    {
        var registry = services.RegistryUrl;
        var digests = new List<string>();
        var n = 0;
        foreach (var image in new[]
        {
            new TestImage(["1.0"], DaysAgo(20)),
            new TestImage(["1.1", "1.1-final"], DaysAgo(19)),
            new TestImage(["1.2", "stable"], DaysAgo(18)),
            new TestImage(["1.3"], DaysAgo(17)),
            new TestImage(["1.4"], DaysAgo(16)),
            new TestImage(["v2.0"], DaysAgo(25)),
        })
        {
            digests.Add(await TestImages.PushAsync(registry, "r1/app", image, n++));
        }
        await TestImages.PushAsync(registry, "r1/tools", new TestImage(["old"], DaysAgo(40)), n++);
        await TestImages.PushAsync(registry, "r1/tools", new TestImage(["new"], DaysAgo(1)), n++);
        await TestImages.PushAsync(registry, "other/x", new TestImage(["1"], DaysAgo(90)), n++);
        var policy = Path.Combine(services.Root, "r1-policy.yaml");
        await File.WriteAllTextAsync(policy, """
            defaults: {keep: 2}
            rules:
              - repositories: r1/app
                keepTags: ['^v\d']
                protect: [stable]
              - repositories: r1/*
                keep: 1
            """);

        var clock = Stopwatch.StartNew();
        var (exit, plan, stderr) = TestImages.Faultline("images", "plan", "--policy", policy, "--registry", registry, "--format", "json");
        output.WriteLine($"plan: {clock.ElapsedMilliseconds} ms\n{plan}");
        Assert.True(exit == 0, stderr);
        var images = JsonDocument.Parse(plan).RootElement.GetProperty("images").EnumerateArray().ToList();
        var removed = images.Where(i => i.GetProperty("action").GetString() == "remove")
            .Select(i => $"{i.GetProperty("repository").GetString()}:{string.Join(",", i.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["r1/app:1.0", "r1/app:1.1,1.1-final", "r1/tools:old"], removed);
        Assert.DoesNotContain(images, i => i.GetProperty("repository").GetString() == "other/x");
        var shared = images.Single(i => i.GetProperty("digest").GetString() == digests[2]);
        Assert.Equal("keep", shared.GetProperty("action").GetString());
        Assert.Equal("1.2 would be removed, but shares the image with stable: a digest is deleted only when all its tags are candidates", shared.GetProperty("note").GetString());
        Assert.Contains("tag v2.0 matches keep-tags", plan);
        Assert.Contains("registry garbage-collect", plan);

        clock.Restart();
        var (applyExit, applied, applyErr) = TestImages.Faultline("images", "prune", "--policy", policy, "--registry", registry, "--apply");
        output.WriteLine($"apply: {clock.ElapsedMilliseconds} ms\n{applied}");
        Assert.True(applyExit == 0, applied + applyErr);
        Assert.Contains($"removed  r1/app@{digests[1]}: deleted with tags 1.1, 1.1-final", applied);
        Assert.Contains("blobs are freed by the registry's garbage collection", applied);
        Assert.Contains("Done: 3 removed.", applied);

        Assert.Equal(["1.2", "1.3", "1.4", "stable", "v2.0"], await TestImages.RegistryTagsAsync(registry, "r1/app"));
        Assert.Equal(["new"], await TestImages.RegistryTagsAsync(registry, "r1/tools"));
        Assert.Equal(["1"], await TestImages.RegistryTagsAsync(registry, "other/x"));
        using var client = RegistryClient.Create(registry, null);
        foreach (var tag in new[] { "1.2", "1.3", "1.4", "stable", "v2.0" })
        {
            Assert.NotNull(await client.DigestAsync("r1/app", tag));
        }

        var (againExit, again, _) = TestImages.Faultline("images", "prune", "--policy", policy, "--registry", registry, "--apply");
        Assert.Equal(0, againExit);
        Assert.Contains("Removing 0 of 5 images", again);
        Assert.Contains("Nothing to remove.", again);
    }

    [Fact]
    public async Task Apply_NewTagOnAPlannedDigest_IsSkipped()
    {
        var registry = services.RegistryUrl;
        var old = new TestImage(["1"], DaysAgo(9), Content: "r4 old");
        var digest = await TestImages.PushAsync(registry, "r4/app", old, 7);
        await TestImages.PushAsync(registry, "r4/app", new TestImage(["2"], DaysAgo(1)), 8);
        using var client = RegistryClient.Create(registry, null);
        var plan = Faultline.Core.Images.RetentionPlanner.PlanRegistry(await client.ReadRepositoryAsync("r4/app"), new() { Keep = 1, Repositories = ["r4/app"] }, DateTimeOffset.UtcNow);
        Assert.Equal(digest, Assert.Single(plan.Removals).Image.Id);

        // Someone tags the same manifest as "hotfix" after the plan: deleting the digest would take it too.
        Assert.Equal(digest, await TestImages.PushAsync(registry, "r4/app", old with { Tags = ["hotfix"] }, 7));
        var result = Assert.Single(await RegistryPruner.ApplyAsync(client, plan));

        Assert.Equal(Faultline.Core.Images.RemovalOutcome.Skipped, result.Outcome);
        Assert.Equal("tag hotfix now points to it too; kept", result.Detail);
        Assert.Equal(["1", "2", "hotfix"], await TestImages.RegistryTagsAsync(registry, "r4/app"));
    }

    [Fact]
    public async Task Tags_SmallPages_FollowsTheLinkHeader()
    {
        var registry = services.RegistryUrl;
        for (var i = 0; i < 5; i++)
        {
            await TestImages.PushAsync(registry, "r2/paged", new TestImage([$"t{i}"], DaysAgo(i)), 100 + i);
        }
        using var client = new RegistryClient(new HttpClient(), new Uri(registry), null) { PageSize = 2 };
        Assert.Equal(["t0", "t1", "t2", "t3", "t4"], (await client.TagsAsync("r2/paged")).Order(StringComparer.Ordinal));
        Assert.Contains("r2/paged", await client.CatalogAsync());
    }

    [Fact]
    public async Task Prune_DeletesDisabled_ReportsEachFailureWithTheFixAndExitsOne()
    {
        var registry = await services.StartRegistryAsync(deleteEnabled: false);
        await TestImages.PushAsync(registry, "r3/app", new TestImage(["1"], DaysAgo(3)), 1);
        await TestImages.PushAsync(registry, "r3/app", new TestImage(["2"], DaysAgo(2)), 2);

        var (exit, stdout, _) = TestImages.Faultline("images", "prune", "--repo", "r3/app", "--keep", "0", "--registry", registry, "--apply");

        Assert.Equal(1, exit);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.StartsWith("failed", StringComparison.Ordinal)));
        Assert.Contains("does not allow deletes (405): enable them in the registry's config.yml with storage: {delete: {enabled: true}}", stdout);
        Assert.Contains("Done: 2 failed.", stdout);
        Assert.Equal(["1", "2"], await TestImages.RegistryTagsAsync(registry, "r3/app"));
    }

    [Fact]
    public void Prune_UnknownRepository_ExitsTwo()
    {
        var (exit, _, stderr) = TestImages.Faultline("images", "prune", "--repo", "no/such", "--registry", services.RegistryUrl);
        Assert.Equal(2, exit);
        Assert.Contains("has no repository 'no/such' (404 NAME_UNKNOWN)", stderr);
    }

    [Fact]
    public void Prune_RegistryUnreachable_ExitsThree()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exit, _, stderr) = TestImages.Faultline("images", "prune", "--repo", "x", "--registry", $"http://127.0.0.1:{port}");
        Assert.Equal(3, exit);
        Assert.Contains($"cannot reach the registry at http://127.0.0.1:{port}/", stderr);
    }
}
