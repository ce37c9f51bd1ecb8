namespace Faultline.Cli;

/// <summary>Process exit codes, the same for every command (see README, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Nothing at or above --fail-on; for `canary judge`, promote.</summary>
    public const int Ok = 0;

    /// <summary>Findings at or above --fail-on; for `canary judge`, rollback; for `images prune --apply`, a planned removal failed or was skipped.</summary>
    public const int Findings = 1;

    /// <summary>Bad usage, or input that could not be read at all; the message names file:line.</summary>
    public const int UsageOrInput = 2;

    /// <summary>Could not decide (canary continue or hold, source unreachable: a cluster, a Docker engine, a registry).</summary>
    public const int Undecided = 3;

    /// <summary>A bug in Faultline.</summary>
    public const int Internal = 70;
}
