namespace Faultline.Core.Judge.Statistics;

/// <summary>
/// Two mixture e-processes side by side: "up" gathers evidence that a metric is worse than its limit (rollback),
/// "down" that it is better than its limit (promotion). Each component keeps the log of its running product;
/// the e-value is the weighted average of the components, so a mixture of supermartingales stays one.
/// </summary>
internal sealed class MixtureLog
{
    private readonly double[] _logWeights;

    public MixtureLog(MixtureGrid grid)
    {
        Grid = grid;
        _logWeights = grid.LogWeights;
        Up = new double[grid.Count];
        Down = new double[grid.Count];
    }

    public MixtureGrid Grid { get; }

    /// <summary>ln of each rollback-side component's running product.</summary>
    public double[] Up { get; }

    /// <summary>ln of each promotion-side component's running product.</summary>
    public double[] Down { get; }

    public double LogUp => LogMath.LogSumExp(_logWeights, Up);

    public double LogDown => LogMath.LogSumExp(_logWeights, Down);
}
