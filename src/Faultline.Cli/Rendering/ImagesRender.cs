using System.Globalization;
using System.Text;
using Faultline.Core.Images;

namespace Faultline.Cli.Rendering;

/// <summary>A retention plan with where it was made, and after --apply what happened to each removal.</summary>
internal sealed record ImagesReport(RetentionPlan Plan, string Mode, string Target, bool Applied, DateTimeOffset Now)
{
    public IReadOnlyList<RemovalResult>? Results { get; init; }

    public bool IsRegistry => Mode == "registry";
}

/// <summary>Text and JSON for `faultline images`.</summary>
internal static class ImagesRender
{
    public const string GarbageCollectReminder =
        "Deleting manifests frees no disk space by itself: blobs are freed by the registry's garbage collection (`registry garbage-collect /etc/docker/registry/config.yml`, `docker-registry garbage-collect` on Debian), run while the registry is read-only or stopped.";

    public static string Text(ImagesReport report)
    {
        var plan = report.Plan;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Retention plan for {(report.IsRegistry ? "registry" : "Docker host")} {report.Target}\n");
        foreach (var settings in plan.Settings)
        {
            var entries = plan.Images.Where(i => i.Repository == settings.Repository).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"\n{settings.Repository}  (keep {settings.Keep}{(settings.KeepWithin is { } w ? ", keep-within " + RetentionAge.Format(w) : "")}{(settings.Rule?.Origin is { } o ? ", rule at " + o : "")})\n");
            var rows = new List<string[]> { new[] { "ACTION", "TAGS", report.IsRegistry ? "DIGEST" : "IMAGE", "CREATED", "SIZE", "WHY" } };
            foreach (var e in entries)
            {
                var why = e.Action == RetentionAction.Keep
                    ? string.Join("; ", e.Reasons.Select(r => r.Text).Append(e.Note).OfType<string>())
                    : e.Note ?? "";
                if (e.OtherTags.Count > 0)
                {
                    why += $"; also named {string.Join(", ", e.OtherTags.Select(t => t.Reference))}{(e.Action == RetentionAction.Remove ? " (stays, so the image stays)" : "")}";
                }
                rows.Add([
                    e.Action == RetentionAction.Keep ? "keep" : "remove",
                    string.Join(",", e.Tags.Select(t => t.Tag)),
                    e.Image.ShortId,
                    e.Image.Created <= DateTimeOffset.UnixEpoch ? "unknown" : Age(report.Now - e.Image.Created),
                    Megabytes(e.Image.Size),
                    why,
                ]);
            }
            Table(sb, rows);
        }
        var removals = plan.Removals.ToList();
        sb.Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{(report.Applied ? "Removing" : "Would remove")} {removals.Count} of {Count(plan.Images.Count, "image")} ({Count(removals.Sum(r => r.Tags.Count), "tag")}) in {Count(plan.Repositories.Count, "repository", "repositories")}, keeping {plan.Images.Count - removals.Count}; ");
        if (report.IsRegistry)
        {
            sb.Append(CultureInfo.InvariantCulture, $"up to {Megabytes(plan.BytesToFree)} of blobs become unreferenced (layers shared with kept manifests are counted).\n");
            sb.Append(GarbageCollectReminder).Append('\n');
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"frees up to {Megabytes(plan.BytesToFree)} (layers shared with kept images are counted, so this is an upper bound).\n");
        }
        if (!report.Applied)
        {
            sb.Append(removals.Count == 0 ? "Nothing to remove.\n" : "This is a plan; nothing was removed (`faultline images prune` with the same options and --apply removes them).\n");
        }
        return sb.ToString();
    }

    public static string ResultLine(RemovalResult r) =>
        $"{r.Outcome.ToString().ToLowerInvariant(),-8} {r.Repository}{(r.Target.StartsWith("sha256:", StringComparison.Ordinal) ? "@" + r.Target : r.Target[r.Repository.Length..])}: {r.Detail}";

    public static string ApplySummary(ImagesReport report)
    {
        var results = report.Results ?? [];
        var counts = Enum.GetValues<RemovalOutcome>().Select(o => (o, results.Count(r => r.Outcome == o))).Where(c => c.Item2 > 0)
            .Select(c => $"{c.Item2} {c.o.ToString().ToLowerInvariant()}");
        var text = results.Count == 0 ? "Nothing to remove.\n" : $"Done: {string.Join(", ", counts)}.\n";
        if (results.Any(r => r.Outcome is RemovalOutcome.Failed or RemovalOutcome.Skipped))
        {
            text += "Some planned removals did not happen (exit code 1); see above.\n";
        }
        return text;
    }

    public static string Json(ImagesReport report) => JsonText.Document(w =>
    {
        var plan = report.Plan;
        w.WriteString("mode", report.Mode);
        w.WriteString("target", report.Target);
        w.WriteBoolean("applied", report.Applied);
        w.WriteStartObject("summary");
        w.WriteNumber("repositories", plan.Repositories.Count);
        w.WriteNumber("images", plan.Images.Count);
        w.WriteNumber("remove", plan.Removals.Count());
        w.WriteNumber("keep", plan.Kept.Count());
        w.WriteNumber("tagsToRemove", plan.Removals.Sum(r => r.Tags.Count));
        w.WriteNumber("bytesToFree", plan.BytesToFree);
        if (report.Results is { } results)
        {
            foreach (var outcome in Enum.GetValues<RemovalOutcome>())
            {
                w.WriteNumber(outcome.ToString().ToLowerInvariant(), results.Count(r => r.Outcome == outcome));
            }
        }
        w.WriteEndObject();
        w.WriteStartArray("repositories");
        foreach (var s in plan.Settings)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Repository);
            w.WriteNumber("keep", s.Keep);
            if (s.KeepWithin is { } within)
            {
                w.WriteString("keepWithin", RetentionAge.Format(within));
            }
            else
            {
                w.WriteNull("keepWithin");
            }
            w.WriteStartArray("keepTags");
            foreach (var regex in s.KeepTags)
            {
                w.WriteStringValue(regex.ToString());
            }
            w.WriteEndArray();
            w.WriteStartArray("protect");
            foreach (var p in s.Protect)
            {
                w.WriteStringValue(p);
            }
            w.WriteEndArray();
            w.WriteString("rule", s.Rule?.Origin);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("images");
        foreach (var e in plan.Images)
        {
            w.WriteStartObject();
            w.WriteString("repository", e.Repository);
            w.WriteString(report.IsRegistry ? "digest" : "id", e.Image.Id);
            w.WriteStartArray("tags");
            foreach (var t in e.Tags)
            {
                w.WriteStringValue(t.Tag);
            }
            w.WriteEndArray();
            w.WriteString("created", e.Image.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteNumber("size", e.Image.Size);
            w.WriteNumber("rank", e.Rank);
            w.WriteString("action", e.Action == RetentionAction.Keep ? "keep" : "remove");
            w.WriteStartArray("reasons");
            foreach (var r in e.Reasons)
            {
                w.WriteStartObject();
                w.WriteString("code", r.Code);
                w.WriteString("text", r.Text);
                if (r.Tag is not null)
                {
                    w.WriteString("tag", r.Tag);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("note", e.Note);
            w.WriteStartArray("otherNames");
            foreach (var t in e.OtherTags)
            {
                w.WriteStringValue(t.Reference);
            }
            w.WriteEndArray();
            w.WriteBoolean("freesImage", e.FreesImage);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (report.Results is { } done)
        {
            w.WriteStartArray("results");
            foreach (var r in done)
            {
                w.WriteStartObject();
                w.WriteString("repository", r.Repository);
                w.WriteString("target", r.Target);
                w.WriteString("image", r.ImageId);
                w.WriteString("outcome", r.Outcome.ToString().ToLowerInvariant());
                w.WriteString("detail", r.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("notes");
        if (report.IsRegistry)
        {
            w.WriteStringValue(GarbageCollectReminder);
        }
        w.WriteEndArray();
    });

    private static void Table(StringBuilder sb, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            sb.Append("  ");
            for (var c = 0; c < row.Length - 1; c++)
            {
                sb.Append(row[c].PadRight(widths[c] + 2));
            }
            sb.Append(row[^1]).Append('\n');
        }
    }

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";

    private static string Megabytes(long bytes) => (bytes / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private static string Age(TimeSpan age) => age < TimeSpan.FromMinutes(1) ? "just now" : RetentionAge.Format(age) + " ago";
}
