using Faultline.Core.Images;

namespace Faultline.Integrations.Docker;

/// <summary>
/// Carries out a host retention plan tag by tag. Before each image it lists the containers again and skips an image
/// that one now uses; before each tag it checks that the tag still names the planned image. One failure does not
/// stop the rest.
/// </summary>
public static class HostPruner
{
    public static async Task<IReadOnlyList<RemovalResult>> ApplyAsync(DockerEngine engine, RetentionPlan plan, Action<RemovalResult>? progress = null, CancellationToken cancel = default)
    {
        var results = new List<RemovalResult>();
        void Report(RemovalResult r)
        {
            results.Add(r);
            progress?.Invoke(r);
        }

        foreach (var entry in plan.Removals)
        {
            IReadOnlyList<ContainerRecord> containers;
            try
            {
                containers = await engine.ListContainersAsync(cancel);
            }
            catch (DockerEngineException e)
            {
                foreach (var tag in entry.Tags)
                {
                    Report(new(entry.Repository, tag.Reference, entry.Image.Id, RemovalOutcome.Failed, e.Message));
                }
                continue;
            }
            var users = containers.Where(c => c.ImageId == entry.Image.Id).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            if (users.Count > 0)
            {
                var who = string.Join(", ", users.Select(c => $"{c.Name} ({(c.IsRunning ? "running" : "stopped")})"));
                foreach (var tag in entry.Tags)
                {
                    Report(new(entry.Repository, tag.Reference, entry.Image.Id, RemovalOutcome.Skipped, $"now used by container {who}; kept"));
                }
                continue;
            }
            foreach (var tag in entry.Tags)
            {
                Report(await RemoveTag(engine, entry, tag, cancel));
            }
        }
        return results;
    }

    private static async Task<RemovalResult> RemoveTag(DockerEngine engine, PlannedImage entry, ImageTag tag, CancellationToken cancel)
    {
        RemovalResult Result(RemovalOutcome outcome, string detail) => new(entry.Repository, tag.Reference, entry.Image.Id, outcome, detail);
        try
        {
            var current = await engine.ImageIdAsync(tag.Reference, cancel);
            if (current is null)
            {
                return Result(RemovalOutcome.Gone, "already gone");
            }
            if (current != entry.Image.Id)
            {
                return Result(RemovalOutcome.Skipped, $"now names image {ImageIds.Short(current)}, not the planned {entry.Image.ShortId}; kept");
            }
            var removal = await engine.RemoveTagAsync(tag.Reference, cancel);
            return Result(RemovalOutcome.Removed, removal.Deleted.Count > 0
                ? $"untagged; image {entry.Image.ShortId} deleted"
                : "untagged; the image stays under its other names");
        }
        catch (DockerEngineException e)
        {
            return Result(RemovalOutcome.Failed, e.Message);
        }
    }
}
