using Faultline.Integrations.Storage;

namespace Faultline.Integrations.Tests.Storage;

/// <summary>
/// What every <see cref="IEventStore"/> must do, written once and run on each store. <see cref="NewStore"/>
/// opens a fresh, empty store; <see cref="Reopen"/> opens another instance on the same data, as a second
/// process or a restarted one would.
/// </summary>
public abstract class EventStoreContract : IAsyncLifetime
{
    private readonly List<IEventStore> _opened = [];
    private string _location = "";

    /// <summary>A new empty place for a store (a file path, a database) to open instances on.</summary>
    protected abstract string NewLocation();

    protected abstract IEventStore Open(string location);

    protected IEventStore Reopen()
    {
        var store = Open(_location);
        _opened.Add(store);
        return store;
    }

    protected IEventStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _location = NewLocation();
        Store = Reopen();
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private static NewEvent[] Events(params string[] kinds) => kinds.Select((k, i) => new NewEvent(k, $"{{\"n\":{i},\"kind\":\"{k}\"}}")).ToArray();

    [Fact]
    public async Task Append_NewStream_StartsAtOneAndReadsBackInOrder()
    {
        var version = await Store.AppendAsync("analysis/a", 0, Events("created", "look", "look"));
        Assert.Equal(3, version);
        var events = await Store.ReadAsync("analysis/a");
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal(["created", "look", "look"], events.Select(e => e.Kind));
        Assert.Equal("{\"n\":2,\"kind\":\"look\"}", events[2].Data);
        Assert.All(events, e => Assert.Equal("analysis/a", e.Stream));
    }

    [Fact]
    public async Task Read_AfterVersion_GivesOnlyLaterEvents()
    {
        await Store.AppendAsync("analysis/a", 0, Events("a", "b", "c", "d"));
        var later = await Store.ReadAsync("analysis/a", 2);
        Assert.Equal(["c", "d"], later.Select(e => e.Kind));
        Assert.Empty(await Store.ReadAsync("analysis/unknown"));
    }

    [Fact]
    public async Task Append_StaleVersion_ThrowsConflictWithBothVersions()
    {
        await Store.AppendAsync("analysis/a", 0, Events("a", "b"));
        var e = await Assert.ThrowsAsync<StreamConflictException>(() => Store.AppendAsync("analysis/a", 1, Events("c")));
        Assert.Equal(1, e.Expected);
        Assert.Equal(2, e.Actual);
        Assert.Equal(2, (await Store.ReadAsync("analysis/a")).Count);
    }

    [Fact]
    public async Task Append_TwoStoresRacingOnOneVersion_ExactlyOneWins()
    {
        var other = Reopen();
        await Store.AppendAsync("analysis/race", 0, Events("created"));
        for (var round = 0; round < 10; round++)
        {
            var version = (await Store.ReadAsync("analysis/race")).Count;
            var attempts = new[] { Store, other }.Select(s => Task.Run(async () =>
            {
                try
                {
                    await s.AppendAsync("analysis/race", version, Events("look"));
                    return true;
                }
                catch (StreamConflictException)
                {
                    return false;
                }
            })).ToArray();
            var results = await Task.WhenAll(attempts);
            Assert.Single(results, r => r);
        }
        var events = await other.ReadAsync("analysis/race");
        Assert.Equal(11, events.Count);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), events.Select(e => e.Version));
    }

    [Fact]
    public async Task ListStreams_ByPrefix_SortedWithLastVersion()
    {
        await Store.AppendAsync("analysis/b", 0, Events("x", "y"));
        await Store.AppendAsync("analysis/a", 0, Events("x"));
        await Store.AppendAsync("rollout/a", 0, Events("x"));
        var streams = await Store.ListStreamsAsync("analysis/");
        Assert.Equal(["analysis/a", "analysis/b"], streams.Select(s => s.Stream));
        Assert.Equal(2, streams[1].Version);
    }

    [Fact]
    public async Task StreamLock_TwoStoreInstances_NeverOverlap()
    {
        var other = Reopen();
        var inside = 0;
        var maxInside = 0;
        var entries = 0;
        async Task<int> Work(CancellationToken cancel)
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Delay(15, cancel);
            Interlocked.Increment(ref entries);
            Interlocked.Decrement(ref inside);
            return now;
        }
        var tasks = Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? Store : other).WithStreamLockAsync("analysis/locked", Work)).ToList();
        await Task.WhenAll(tasks);
        Assert.Equal(12, entries);
        Assert.Equal(1, maxInside);
    }

    [Fact]
    public async Task StreamLock_OtherStreams_DoNotWait()
    {
        var other = Reopen();
        var release = new TaskCompletionSource();
        var holding = Store.WithStreamLockAsync("analysis/one", async _ =>
        {
            await release.Task;
            return 1;
        });
        var free = await other.WithStreamLockAsync("analysis/two", _ => Task.FromResult(2)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, free);
        release.SetResult();
        Assert.Equal(1, await holding);
    }

    [Fact]
    public async Task StreamLock_ReadDecideAppend_CountsEveryLookOnce()
    {
        var other = Reopen();
        await Store.AppendAsync("analysis/looks", 0, Events("created"));
        var tasks = Enumerable.Range(0, 10).Select(i =>
        {
            var store = i % 2 == 0 ? Store : other;
            return store.WithStreamLockAsync("analysis/looks", async cancel =>
            {
                var events = await store.ReadAsync("analysis/looks", 0, cancel);
                return await store.AppendAsync("analysis/looks", events.Count, Events("look"), cancel);
            });
        });
        var versions = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), versions.Order());
    }

    [Fact]
    public async Task StreamLock_WorkThrows_ReleasesTheLock()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WithStreamLockAsync<int>("analysis/x", _ => throw new InvalidOperationException("boom")));
        var other = Reopen();
        Assert.Equal(5, await other.WithStreamLockAsync("analysis/x", _ => Task.FromResult(5)).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Migrate_Twice_AndFromASecondInstance_IsHarmless()
    {
        await Store.AppendAsync("analysis/a", 0, Events("x"));
        await Store.MigrateAsync();
        var other = Reopen();
        await Task.WhenAll(other.MigrateAsync(), Reopen().MigrateAsync());
        Assert.Single(await other.ReadAsync("analysis/a"));
        Assert.True(await other.PingAsync());
    }

    [Fact]
    public async Task Restart_NewInstanceOnTheSameData_ReadsEverything()
    {
        await Store.AppendAsync("analysis/a", 0, Events("created", "look"));
        await Store.AppendAsync("analysis/b", 0, Events("created"));
        await Store.DisposeAsync();
        var restarted = Reopen();
        await restarted.MigrateAsync();
        Assert.Equal(["created", "look"], (await restarted.ReadAsync("analysis/a")).Select(e => e.Kind));
        Assert.Equal(2, (await restarted.ListStreamsAsync("analysis/")).Count);
        Assert.Equal(3, await restarted.AppendAsync("analysis/a", 2, Events("look")));
    }

    [Fact]
    public void Description_NeverShowsAPassword()
    {
        Assert.DoesNotContain("secret", Store.Description, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
