using Faultline.Core.Images;

namespace Faultline.Integrations.Registry;

/// <summary>
/// Carries out a registry retention plan digest by digest. Before deleting it reads each repository's tags again:
/// a digest that some tag outside the plan now points to is skipped, since deleting it would take that tag too.
/// One failure does not stop the rest.
/// </summary>
public static class RegistryPruner
{
    public static async Task<IReadOnlyList<RemovalResult>> ApplyAsync(RegistryClient registry, RetentionPlan plan, Action<RemovalResult>? progress = null, CancellationToken cancel = default)
    {
        var results = new List<RemovalResult>();
        void Report(RemovalResult r)
        {
            results.Add(r);
            progress?.Invoke(r);
        }

        foreach (var group in plan.Removals.GroupBy(r => r.Repository, StringComparer.Ordinal))
        {
            var current = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            try
            {
                foreach (var tag in await registry.TagsAsync(group.Key, cancel))
                {
                    if (await registry.DigestAsync(group.Key, tag, cancel) is { } digest)
                    {
                        (current.TryGetValue(digest, out var list) ? list : current[digest] = []).Add(tag);
                    }
                }
            }
            catch (RegistryException e)
            {
                foreach (var entry in group)
                {
                    Report(new(group.Key, entry.Image.Id, entry.Image.Id, RemovalOutcome.Failed, e.Message));
                }
                continue;
            }
            foreach (var entry in group)
            {
                var planned = entry.Tags.Select(t => t.Tag).ToHashSet(StringComparer.Ordinal);
                if (!current.TryGetValue(entry.Image.Id, out var now) || now.Count == 0)
                {
                    Report(new(group.Key, entry.Image.Id, entry.Image.Id, RemovalOutcome.Gone, "no tag points to it any more"));
                    continue;
                }
                var extra = now.Where(t => !planned.Contains(t)).Order(StringComparer.Ordinal).ToList();
                if (extra.Count > 0)
                {
                    Report(new(group.Key, entry.Image.Id, entry.Image.Id, RemovalOutcome.Skipped, $"tag{(extra.Count == 1 ? "" : "s")} {string.Join(", ", extra)} now point{(extra.Count == 1 ? "s" : "")} to it too; kept"));
                    continue;
                }
                try
                {
                    await registry.DeleteAsync(group.Key, entry.Image.Id, cancel);
                    Report(new(group.Key, entry.Image.Id, entry.Image.Id, RemovalOutcome.Removed, $"deleted with tag{(now.Count == 1 ? "" : "s")} {string.Join(", ", now.Order(StringComparer.Ordinal))}"));
                }
                catch (RegistryException e)
                {
                    Report(new(group.Key, entry.Image.Id, entry.Image.Id, RemovalOutcome.Failed, e.Message));
                }
            }
        }
        return results;
    }
}
