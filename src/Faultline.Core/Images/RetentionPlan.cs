namespace Faultline.Core.Images;

public enum RetentionAction
{
    Keep,
    Remove,
}

public enum KeepReasonKind
{
    /// <summary>A container (running or stopped) was created from the image.</summary>
    InUse,

    /// <summary>Among the newest N images of the repository.</summary>
    Newest,

    /// <summary>Created within keep-within.</summary>
    Recent,

    /// <summary>A tag, digest or id of it is protected.</summary>
    Protected,

    /// <summary>The newest image of the repository older than the one a running container runs.</summary>
    RollbackTarget,

    /// <summary>A tag matches a keep-tags regex.</summary>
    KeepTag,

    /// <summary>The creation time is unknown, so neither age nor order can be judged.</summary>
    UnknownAge,
}

/// <summary>Why an image is kept; Tag names the tag when the reason is about one tag, not the whole image.</summary>
public sealed record KeepReason(KeepReasonKind Kind, string Text, string? Tag = null)
{
    public string Code => Kind switch
    {
        KeepReasonKind.InUse => "in-use",
        KeepReasonKind.Newest => "newest",
        KeepReasonKind.Recent => "keep-within",
        KeepReasonKind.Protected => "protected",
        KeepReasonKind.RollbackTarget => "rollback-target",
        KeepReasonKind.KeepTag => "keep-tags",
        KeepReasonKind.UnknownAge => "unknown-age",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The decision for one image within one repository. All of the image's tags in that repository share it: in a
/// registry deleting the digest takes every tag with it, and on a host the same rule keeps both evaluated alike.
/// </summary>
public sealed record PlannedImage
{
    public required string Repository { get; init; }

    public required ImageRecord Image { get; init; }

    /// <summary>The image's tags in this repository, the ones the action applies to.</summary>
    public required IReadOnlyList<ImageTag> Tags { get; init; }

    /// <summary>Position by creation time in the repository, newest first (1-based).</summary>
    public int Rank { get; init; }

    public RetentionAction Action { get; init; }

    public IReadOnlyList<KeepReason> Reasons { get; init; } = [];

    /// <summary>For a removal, why nothing keeps it; for a shared kept image, which tags are kept only because they share it.</summary>
    public string? Note { get; init; }

    /// <summary>Tags in other repositories; they stay, and so does the image while any remains.</summary>
    public IReadOnlyList<ImageTag> OtherTags { get; init; } = [];

    /// <summary>True when this removal (with the others of the plan) deletes the image itself, not only names.</summary>
    public bool FreesImage { get; init; }
}

/// <summary>A retention plan: every image of every candidate repository with its decision, and the bytes it frees.</summary>
public sealed record RetentionPlan
{
    public required IReadOnlyList<string> Repositories { get; init; }

    public required IReadOnlyList<PlannedImage> Images { get; init; }

    /// <summary>The effective settings of each candidate repository, in the order of Repositories.</summary>
    public required IReadOnlyList<EffectiveRetention> Settings { get; init; }

    public IEnumerable<PlannedImage> Removals => Images.Where(i => i.Action == RetentionAction.Remove);

    public IEnumerable<PlannedImage> Kept => Images.Where(i => i.Action == RetentionAction.Keep);

    /// <summary>Sum of the sizes of the images deleted outright (each once); shared layers make this an upper bound on a host.</summary>
    public long BytesToFree => Removals.Where(r => r.FreesImage).DistinctBy(r => r.Image.Id).Sum(r => r.Image.Size);
}
