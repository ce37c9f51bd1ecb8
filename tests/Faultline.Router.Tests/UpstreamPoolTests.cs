namespace Faultline.Router.Tests;

public sealed class UpstreamPoolTests
{
    private static readonly Uri[] Three = [new("http://127.0.0.1:1/"), new("http://127.0.0.1:2/"), new("http://127.0.0.1:3/")];

    [Fact]
    public void Next_GoesRoundRobin()
    {
        var pool = new UpstreamPool(Three);
        var picks = Enumerable.Range(0, 300).Select(_ => pool.Next()).ToList();
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(100, picks.Count(p => p == i)));
    }

    [Fact]
    public void Next_SkipsARefusedUpstream()
    {
        var pool = new UpstreamPool(Three);
        pool.Refused(1);
        Assert.True(pool.Skipped(1));
        Assert.DoesNotContain(1, Enumerable.Range(0, 100).Select(_ => pool.Next()));
    }

    [Fact]
    public void Next_WhenAllAreRefused_StillPicksOne()
    {
        var pool = new UpstreamPool(Three);
        pool.Refused(0);
        pool.Refused(1);
        pool.Refused(2);
        // With every upstream skipped, the rotation goes on over all of them rather than sticking to one.
        var picks = Enumerable.Range(0, 30).Select(_ => pool.Next()).ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 1, 2 }, picks);
    }

    [Fact]
    public void Next_Except_PicksAnother()
    {
        var pool = new UpstreamPool(Three);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.NotEqual(2, pool.Next(except: 2)));
        Assert.Equal(0, new UpstreamPool([Three[0]]).Next(except: 0));
    }
}
