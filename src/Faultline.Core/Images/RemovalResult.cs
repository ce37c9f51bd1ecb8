namespace Faultline.Core.Images;

public enum RemovalOutcome
{
    /// <summary>Removed as planned.</summary>
    Removed,

    /// <summary>Already gone when its turn came; nothing to do.</summary>
    Gone,

    /// <summary>Not removed on purpose: something changed since the plan (a container uses it now, a tag moved).</summary>
    Skipped,

    /// <summary>The engine or registry refused or failed.</summary>
    Failed,
}

/// <summary>What happened to one planned removal: a tag on a host, a digest (with its tags) in a registry.</summary>
public sealed record RemovalResult(string Repository, string Target, string ImageId, RemovalOutcome Outcome, string Detail);
