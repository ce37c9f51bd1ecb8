namespace Faultline.Core.Images;

/// <summary>A name an image is known by: repository (shop/api, 127.0.0.1:5000/shop/api) and tag (1.4.2).</summary>
public sealed record ImageTag(string Repository, string Tag)
{
    public string Reference => $"{Repository}:{Tag}";

    /// <summary>Splits repo:tag at the last colon after the last slash (a registry port is not a tag).</summary>
    public static ImageTag? Parse(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        if (colon <= slash || colon == reference.Length - 1 || reference.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }
        return new ImageTag(reference[..colon], reference[(colon + 1)..]);
    }

    public override string ToString() => Reference;
}

/// <summary>
/// An image on a host (Id is the image id, Digests its repo digests) or a manifest in a registry (Id is the
/// manifest digest). Tags are every name that points at it, in any repository.
/// </summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }

    public IReadOnlyList<ImageTag> Tags { get; init; } = [];

    /// <summary>Other digests the image is known by (a host image's RepoDigests).</summary>
    public IReadOnlyList<string> Digests { get; init; } = [];

    public DateTimeOffset Created { get; init; }

    /// <summary>Bytes; for a host image this includes layers shared with other images.</summary>
    public long Size { get; init; }

    public string ShortId => ImageIds.Short(Id);
}

/// <summary>A container on the host and the image it was created from.</summary>
public sealed record ContainerRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The image id (sha256:...) the container runs.</summary>
    public required string ImageId { get; init; }

    /// <summary>The image name the container was created with (shop/api:1.4), which still names the repository when the tag has moved on.</summary>
    public string? ImageName { get; init; }

    /// <summary>running, paused, restarting, created, exited, dead.</summary>
    public required string State { get; init; }

    public DateTimeOffset Created { get; init; }

    /// <summary>A running container's image is the one to roll back from; paused and restarting ones count as running.</summary>
    public bool IsRunning => State is "running" or "paused" or "restarting";
}

public static class ImageIds
{
    /// <summary>sha256:0123456789abcdef... as the first 12 hex digits, the way docker prints ids.</summary>
    public static string Short(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
