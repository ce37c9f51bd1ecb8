namespace Faultline.Core.Images;

/// <summary>
/// Decides which images of the candidate repositories to remove. Never removed: images used by any container,
/// the newest N per repository, images created within keep-within, protected tags and digests, tags matching a
/// keep-tags regex, and the rollback target of each running container (the newest image of its repository
/// that is older than the one it runs). Everything else in a candidate repository is removed; repositories
/// that are not candidates are not looked at.
/// </summary>
public static class RetentionPlanner
{
    public static RetentionPlan Plan(IReadOnlyList<ImageRecord> images, IReadOnlyList<ContainerRecord> containers, RetentionPolicy policy, DateTimeOffset now) =>
        Plan(images, containers, policy, now, hasContainers: true);

    /// <summary>The plan for a registry's manifests: the same rules, with no containers to consider.</summary>
    public static RetentionPlan PlanRegistry(IReadOnlyList<ImageRecord> manifests, RetentionPolicy policy, DateTimeOffset now) =>
        Plan(manifests, [], policy, now, hasContainers: false);

    private static RetentionPlan Plan(IReadOnlyList<ImageRecord> images, IReadOnlyList<ContainerRecord> containers, RetentionPolicy policy, DateTimeOffset now, bool hasContainers)
    {
        var byId = new Dictionary<string, ImageRecord>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            byId.TryAdd(image.Id, image);
        }
        var repositories = images.SelectMany(i => i.Tags).Select(t => t.Repository)
            .Distinct(StringComparer.Ordinal).Where(policy.IsCandidate).Order(StringComparer.Ordinal).ToList();

        var planned = new List<PlannedImage>();
        var settings = new List<EffectiveRetention>();
        foreach (var repository in repositories)
        {
            var retention = policy.For(repository);
            settings.Add(retention);
            planned.AddRange(PlanRepository(repository, retention, byId.Values, containers, byId, now, hasContainers));
        }

        // An image is deleted outright only when every name it has goes in this plan.
        var removedTags = planned.Where(p => p.Action == RetentionAction.Remove).SelectMany(p => p.Tags).ToHashSet();
        planned = planned.Select(p => p.Action == RetentionAction.Remove ? p with { FreesImage = p.Image.Tags.All(removedTags.Contains) } : p).ToList();
        return new RetentionPlan { Repositories = repositories, Images = planned, Settings = settings };
    }

    private static List<PlannedImage> PlanRepository(
        string repository,
        EffectiveRetention retention,
        IEnumerable<ImageRecord> images,
        IReadOnlyList<ContainerRecord> containers,
        Dictionary<string, ImageRecord> byId,
        DateTimeOffset now,
        bool hasContainers)
    {
        var ordered = images
            .Where(i => i.Tags.Any(t => t.Repository == repository))
            .OrderByDescending(i => i.Created)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToList();
        var reasons = ordered.ToDictionary(i => i.Id, _ => new List<KeepReason>(), StringComparer.Ordinal);

        for (var rank = 0; rank < ordered.Count; rank++)
        {
            var image = ordered[rank];
            var list = reasons[image.Id];
            var tags = TagsIn(image, repository);
            foreach (var c in containers.Where(c => c.ImageId == image.Id).OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                list.Add(new(KeepReasonKind.InUse, $"used by container {c.Name} ({(c.IsRunning ? "running" : "stopped")})"));
            }
            if (image.Created <= DateTimeOffset.UnixEpoch)
            {
                list.Add(new(KeepReasonKind.UnknownAge, "creation time unknown, so its age cannot be judged"));
            }
            if (rank < retention.Keep)
            {
                list.Add(new(KeepReasonKind.Newest, $"newest {retention.Keep} in {repository} (#{rank + 1})"));
            }
            if (retention.KeepWithin is { } within && now - image.Created <= within)
            {
                list.Add(new(KeepReasonKind.Recent, $"created {RetentionAge.Format(now - image.Created)} ago, within keep-within {RetentionAge.Format(within)}"));
            }
            foreach (var value in retention.Protect.Where(v => Protection.MatchesImage(v, image)))
            {
                list.Add(new(KeepReasonKind.Protected, $"protected: {value}"));
            }
            foreach (var tag in tags)
            {
                foreach (var value in retention.Protect.Where(v => Protection.MatchesTag(v, tag)))
                {
                    list.Add(new(KeepReasonKind.Protected, $"tag {tag.Tag} is protected ({value})", tag.Tag));
                }
                foreach (var regex in retention.KeepTags.Where(r => r.IsMatch(tag.Tag)))
                {
                    list.Add(new(KeepReasonKind.KeepTag, $"tag {tag.Tag} matches keep-tags '{regex}'", tag.Tag));
                }
            }
        }

        foreach (var container in containers.Where(c => c.IsRunning).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (!byId.TryGetValue(container.ImageId, out var running) || !RunsFrom(container, running, repository))
            {
                continue;
            }
            var target = ordered.FirstOrDefault(i => i.Id != running.Id && i.Created < running.Created);
            if (target is not null)
            {
                var name = container.ImageName ?? running.ShortId;
                reasons[target.Id].Add(new(KeepReasonKind.RollbackTarget, $"rollback target of running container {container.Name} (the newest {repository} image older than {name})"));
            }
        }

        var result = new List<PlannedImage>(ordered.Count);
        for (var rank = 0; rank < ordered.Count; rank++)
        {
            var image = ordered[rank];
            var list = reasons[image.Id];
            var tags = TagsIn(image, repository);
            var keep = list.Count > 0;
            result.Add(new PlannedImage
            {
                Repository = repository,
                Image = image,
                Tags = tags,
                Rank = rank + 1,
                Action = keep ? RetentionAction.Keep : RetentionAction.Remove,
                Reasons = list,
                Note = keep ? SharedNote(tags, list) : RemovalNote(repository, retention, rank, image, tags, now, hasContainers),
                OtherTags = image.Tags.Where(t => t.Repository != repository).ToList(),
            });
        }
        return result;
    }

    private static List<ImageTag> TagsIn(ImageRecord image, string repository) =>
        image.Tags.Where(t => t.Repository == repository).OrderBy(t => t.Tag, StringComparer.Ordinal).ToList();

    /// <summary>The repository a container runs from: any tag of its image, or the name it was created with when that tag has moved on.</summary>
    private static bool RunsFrom(ContainerRecord container, ImageRecord image, string repository) =>
        image.Tags.Any(t => t.Repository == repository) ||
        (container.ImageName is { } name && (ImageTag.Parse(name)?.Repository ?? name) == repository);

    /// <summary>When only some tags are kept for themselves, the others stay because they name the same image.</summary>
    private static string? SharedNote(List<ImageTag> tags, List<KeepReason> reasons)
    {
        if (reasons.Any(r => r.Tag is null))
        {
            return null;
        }
        var keptTags = reasons.Select(r => r.Tag).ToHashSet(StringComparer.Ordinal);
        var riders = tags.Where(t => !keptTags.Contains(t.Tag)).Select(t => t.Tag).ToList();
        return riders.Count == 0
            ? null
            : $"{string.Join(", ", riders)} would be removed, but share{(riders.Count == 1 ? "s" : "")} the image with {string.Join(", ", keptTags)}: a digest is deleted only when all its tags are candidates";
    }

    private static string RemovalNote(string repository, EffectiveRetention retention, int rank, ImageRecord image, List<ImageTag> tags, DateTimeOffset now, bool hasContainers)
    {
        var parts = new List<string>();
        if (hasContainers)
        {
            parts.Add("no container uses it");
        }
        parts.Add($"#{rank + 1} in {repository}, beyond the newest {retention.Keep}");
        parts.Add(retention.KeepWithin is { } within
            ? $"created {RetentionAge.Format(now - image.Created)} ago, beyond keep-within {RetentionAge.Format(within)}"
            : $"created {RetentionAge.Format(now - image.Created)} ago");
        parts.Add("not protected");
        if (tags.Count > 1)
        {
            parts.Add($"removing it takes tags {string.Join(", ", tags.Select(t => t.Tag))}");
        }
        return string.Join("; ", parts);
    }
}
