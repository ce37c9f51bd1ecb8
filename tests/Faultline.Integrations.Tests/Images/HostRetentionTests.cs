using System.Diagnostics;
using System.Text.Json;
using Faultline.Core.Images;
using Faultline.Integrations.Docker;
using Xunit.Abstractions;

namespace Faultline.Integrations.Tests.Images;

/// <summary>`faultline images prune` against a real Docker engine with images built by the test.</summary>
[Collection(ImageServicesCollection.Name)]
public sealed class HostRetentionTests(ImageServices services, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static DateTimeOffset DaysAgo(int days) => Now.AddDays(-days).AddMinutes(-5);

    private static List<string> Planned(string json, string action) =>
        JsonDocument.Parse(json).RootElement.GetProperty("images").EnumerateArray()
            .Where(i => i.GetProperty("action").GetString() == action)
            .SelectMany(i => i.GetProperty("tags").EnumerateArray().Select(t => i.GetProperty("repository").GetString() + ":" + t.GetString()))
            .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Prune_Apply_RemovesExactlyThePlanKeepsWhatRunsAndSecondRunIsNoOp()
    {
        var engine = services.Engine;
        var clock = Stopwatch.StartNew();
        var ids = await TestImages.LoadAsync(engine,
            new TestImage(["h1/api:1"], DaysAgo(20)),
            new TestImage(["h1/api:2"], DaysAgo(19), CanRun: true),
            new TestImage(["h1/api:3"], DaysAgo(18)),
            new TestImage(["h1/api:4"], DaysAgo(17)),
            new TestImage(["h1/api:5"], DaysAgo(16)),
            new TestImage(["h1/api:6", "h1/api:latest"], DaysAgo(15)),
            new TestImage(["h1/web:0"], DaysAgo(12)),
            new TestImage(["h1/web:1"], DaysAgo(11)),
            new TestImage(["h1/web:2"], DaysAgo(10)),
            new TestImage(["h1/other:1"], DaysAgo(30)),
            new TestImage(["h1/other:2"], DaysAgo(29)));
        await TestImages.TagAsync(engine, ids[2], "h1/base:stable");
        await TestImages.ContainerAsync(engine, "h1-api-running", "h1/api:2", start: true);
        await TestImages.ContainerAsync(engine, "h1-web-stopped", "h1/web:1", start: false);
        output.WriteLine($"setup: {clock.ElapsedMilliseconds} ms (services started in {services.StartTime.TotalMilliseconds:0} ms)");

        string[] args = ["images", "prune", "--repo", "h1/api,h1/web", "--keep", "1", "--protect", "h1/api:4", "--docker-host", services.DockerHost];
        clock.Restart();
        var (exit, plan, stderr) = TestImages.Faultline([.. args, "--format", "json"]);
        output.WriteLine($"plan: {clock.ElapsedMilliseconds} ms");
        Assert.True(exit == 0, stderr);
        Assert.Equal(["h1/api:3", "h1/api:5", "h1/web:0"], Planned(plan, "remove"));
        Assert.Equal(["h1/api:1", "h1/api:2", "h1/api:4", "h1/api:6", "h1/api:latest", "h1/web:1", "h1/web:2"], Planned(plan, "keep"));
        Assert.Contains("rollback target of running container h1-api-running", plan);
        Assert.Contains("used by container h1-api-running (running)", plan);
        Assert.Contains("used by container h1-web-stopped (stopped)", plan);
        Assert.Contains("tag 4 is protected (h1/api:4)", plan);
        Assert.Contains("\"otherNames\": [\n        \"h1/base:stable\"", plan);

        var (textExit, text, _) = TestImages.Faultline(args);
        Assert.Equal(0, textExit);
        output.WriteLine(text);
        Assert.Contains("This is a plan; nothing was removed (`faultline images prune` with the same options and --apply removes them).", text);
        Assert.Matches(@"remove +3 +[0-9a-f]{12} +18d", text);

        var before = await TestImages.HostTagsAsync(engine);
        clock.Restart();
        var (applyExit, applied, applyErr) = TestImages.Faultline([.. args, "--apply"]);
        output.WriteLine($"apply: {clock.ElapsedMilliseconds} ms\n{applied}");
        Assert.True(applyExit == 0, applied + applyErr);
        Assert.Contains("removed  h1/api:5: untagged; image", applied);
        Assert.Contains("removed  h1/api:3: untagged; the image stays under its other names", applied);
        Assert.Contains("Done: 3 removed.", applied);

        var after = await TestImages.HostTagsAsync(engine);
        Assert.Equal(before.Except(["h1/api:3", "h1/api:5", "h1/web:0"]).Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        var images = await engine.ListImagesAsync();
        Assert.Contains(images, i => i.Id == ids[2] && i.Tags.Single().Reference == "h1/base:stable");
        Assert.DoesNotContain(images, i => i.Id == ids[4] || i.Id == ids[6]);
        var running = (await engine.ListContainersAsync()).Single(c => c.Name == "h1-api-running");
        Assert.Equal("running", running.State);

        var (againExit, again, _) = TestImages.Faultline([.. args, "--apply", "--format", "json"]);
        Assert.Equal(0, againExit);
        Assert.Contains("\"remove\": 0", again);
        Assert.Equal(after.Order(StringComparer.Ordinal), (await TestImages.HostTagsAsync(engine)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Apply_ImageUsedAfterThePlan_IsReportedAndSkipped()
    {
        var engine = services.Engine;
        var ids = await TestImages.LoadAsync(engine,
            new TestImage(["h2/job:1"], DaysAgo(9)),
            new TestImage(["h2/job:2"], DaysAgo(8)),
            new TestImage(["h2/job:3"], DaysAgo(7)));
        var policy = new RetentionPolicy { Keep = 1, Repositories = ["h2/job"] };
        var plan = RetentionPlanner.Plan(await engine.ListImagesAsync(), await engine.ListContainersAsync(), policy, DateTimeOffset.UtcNow);
        Assert.Equal(2, plan.Removals.Count());

        await TestImages.ContainerAsync(engine, "h2-late", "h2/job:1", start: false);
        var results = await HostPruner.ApplyAsync(engine, plan);

        var skipped = Assert.Single(results, r => r.Outcome == RemovalOutcome.Skipped);
        Assert.Equal("h2/job:1", skipped.Target);
        Assert.Equal("now used by container h2-late (stopped); kept", skipped.Detail);
        Assert.Single(results, r => r.Outcome == RemovalOutcome.Removed && r.Target == "h2/job:2");
        var tags = await TestImages.HostTagsAsync(engine);
        Assert.Contains("h2/job:1", tags);
        Assert.DoesNotContain("h2/job:2", tags);
        Assert.Contains(ids[0], (await engine.ListImagesAsync()).Select(i => i.Id));
    }

    [Fact]
    public async Task Apply_TagMovedToAnotherImageAfterThePlan_IsSkipped()
    {
        var engine = services.Engine;
        var ids = await TestImages.LoadAsync(engine,
            new TestImage(["h3/svc:1"], DaysAgo(9)),
            new TestImage(["h3/svc:2"], DaysAgo(8)));
        var plan = RetentionPlanner.Plan(await engine.ListImagesAsync(), [], new RetentionPolicy { Keep = 1, Repositories = ["h3/svc"] }, DateTimeOffset.UtcNow);
        await TestImages.TagAsync(engine, ids[1], "h3/svc:1");

        var result = Assert.Single(await HostPruner.ApplyAsync(engine, plan));

        Assert.Equal(RemovalOutcome.Skipped, result.Outcome);
        Assert.StartsWith("now names image", result.Detail, StringComparison.Ordinal);
        Assert.Contains("h3/svc:1", await TestImages.HostTagsAsync(engine));
    }

    [Fact]
    public async Task RemoveTag_LastTagOfAnImageAContainerUses_IsARefusalNotACrash()
    {
        // The planner never plans this; the engine's own refusal (409) must still come back as a reportable error.
        var engine = services.Engine;
        var ids = await TestImages.LoadAsync(engine, new TestImage(["h4/x:1"], DaysAgo(3)));
        await TestImages.ContainerAsync(engine, "h4-user", "h4/x:1", start: false);
        var error = await Assert.ThrowsAsync<DockerEngineException>(() => engine.RemoveTagAsync("h4/x:1"));
        Assert.False(error.Unreachable);
        Assert.Contains("409", error.Message, StringComparison.Ordinal);
        Assert.Contains(ids[0], (await engine.ListImagesAsync()).Select(i => i.Id));
    }

    [Fact]
    public void Prune_SocketMissing_ExitsThreeNamingTheSocket()
    {
        var socket = Path.Combine(services.Root, "nothing-here.sock");
        var (exit, _, stderr) = TestImages.Faultline("images", "prune", "--repo", "x", "--docker-host", "unix://" + socket);
        Assert.Equal(3, exit);
        Assert.Contains($"cannot reach the Docker engine: no socket at {socket}", stderr);
    }

    [Fact]
    public void Prune_DockerHostVariable_IsHonoured()
    {
        var (exit, stdout, stderr) = TestImages.FaultlineWith(services.DockerHost, "images", "prune", "--repo", "h5/none");
        Assert.True(exit == 0, stderr);
        Assert.Contains("note: no images of repository h5/none on the host", stderr);
        Assert.Contains($"Retention plan for Docker host {services.DockerHost}", stdout);
        Assert.Contains("Nothing to remove.", stdout);
    }

    [Fact]
    public void Prune_NoRepository_IsAUsageError()
    {
        var (exit, _, stderr) = TestImages.Faultline("images", "prune", "--docker-host", services.DockerHost);
        Assert.Equal(2, exit);
        Assert.Contains("name the repositories to prune with --repo", stderr);
    }
}
