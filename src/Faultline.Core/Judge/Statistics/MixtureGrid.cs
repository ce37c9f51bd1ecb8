namespace Faultline.Core.Judge.Statistics;

/// <summary>
/// The mixing distribution of a mixture e-process: a few alternatives, spaced geometrically, with equal weight.
/// A discrete mixture keeps every component an exact (super)martingale with a closed form, so the mixture needs
/// no numerical integration; the price for not knowing the effect in advance is ln(count) of evidence, and
/// the geometric spacing loses at most a few percent of growth rate against the best single component.
/// </summary>
internal sealed class MixtureGrid
{
    private MixtureGrid(double[] points)
    {
        Points = points;
        LogWeights = Enumerable.Repeat(-Math.Log(points.Length), points.Length).ToArray();
    }

    public double[] Points { get; }

    public double[] LogWeights { get; }

    public int Count => Points.Length;

    public static MixtureGrid Geometric(double min, double max, int count)
    {
        if (!(min > 0 && max > min && count >= 2))
        {
            throw new ArgumentException("a geometric grid needs 0 < min < max and at least 2 points");
        }
        var ratio = Math.Pow(max / min, 1.0 / (count - 1));
        var points = new double[count];
        for (var i = 0; i < count; i++)
        {
            points[i] = min * Math.Pow(ratio, i);
        }
        return new MixtureGrid(points);
    }
}
