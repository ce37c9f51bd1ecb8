using System.Text.RegularExpressions;
using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Images;

internal sealed class MutableTagRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "image.mutable-tag",
        Severity.Medium,
        "Image tag can move",
        "A container image has no tag, the tag latest, or a floating tag that is not a version (e.g. redis:alpine, node:lts).",
        "Pin a version tag (redis:7.2.4-alpine) or, better, a digest (redis@sha256:...); let a bot propose updates.",
        """
        A floating tag points at a different image tomorrow. Two replicas of one Deployment can run different code,
        a rollback to "the previous version" pulls the new one again, and staging and production differ while their
        manifests are identical. A tag counts as pinned when it matches one of the `pinnedPatterns` (by default: it
        starts with a digit or v+digit, or it is a commit hash); a digest always counts as pinned.
        """,
        [
            new("pinnedPatterns", "Regular expressions; a tag matching any of them is pinned.",
                [@"^v?\d", @"^[0-9a-f]{7,64}$", @"^(sha|git|commit)-[0-9a-f]{7,64}"]),
        ]);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var pinned = context.Parameter("pinnedPatterns").Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.InitContainers.Concat(w.Containers))
            {
                if (c.Image is not { } image || Problem(image, pinned) is not { } problem)
                {
                    continue;
                }
                yield return context.ForWorkload(w, c.Node["image"],
                    $"container '{c.Name}' of {w} uses image {image}: {problem}",
                    "every replica, and every rollback, runs the image that was tested",
                    $"image: {image}");
            }
        }
    }

    internal static string? Problem(string image, IReadOnlyList<Regex> pinned)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        if (colon <= slash)
        {
            return "no tag, so it means latest";
        }
        var tag = image[(colon + 1)..];
        if (tag == "latest")
        {
            return "latest moves with every push";
        }
        return pinned.Any(p => p.IsMatch(tag)) ? null : $"tag '{tag}' is not a version and moves when upstream updates it";
    }
}
