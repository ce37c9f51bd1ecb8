namespace Faultline.Integrations.Storage;

/// <summary>An event store in memory, for unit tests and for runs that ask for no persistence.</summary>
public sealed class MemoryEventStore(TimeProvider? clock = null) : IEventStore
{
    private readonly Dictionary<string, List<StoredEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Description => "memory";

    public Task MigrateAsync(CancellationToken cancel = default) => Task.CompletedTask;

    public Task<bool> PingAsync(CancellationToken cancel = default) => Task.FromResult(true);

    public Task<long> AppendAsync(string stream, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancel = default)
    {
        lock (_streams)
        {
            if (!_streams.TryGetValue(stream, out var list))
            {
                list = [];
                _streams[stream] = list;
            }
            if (list.Count != expectedVersion)
            {
                throw new StreamConflictException(stream, expectedVersion, list.Count);
            }
            var now = _clock.GetUtcNow();
            foreach (var e in events)
            {
                list.Add(new StoredEvent(stream, list.Count + 1, e.Kind, e.Data, now));
            }
            return Task.FromResult((long)list.Count);
        }
    }

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string stream, long afterVersion = 0, CancellationToken cancel = default)
    {
        lock (_streams)
        {
            IReadOnlyList<StoredEvent> result = _streams.TryGetValue(stream, out var list) ? list.Skip((int)afterVersion).ToList() : [];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string prefix, CancellationToken cancel = default)
    {
        lock (_streams)
        {
            IReadOnlyList<StreamInfo> result = _streams
                .Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal) && s.Value.Count > 0)
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new StreamInfo(s.Key, s.Value.Count, s.Value[^1].At))
                .ToList();
            return Task.FromResult(result);
        }
    }

    public async Task<T> WithStreamLockAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel = default)
    {
        SemaphoreSlim gate;
        lock (_locks)
        {
            if (!_locks.TryGetValue(stream, out gate!))
            {
                gate = new SemaphoreSlim(1, 1);
                _locks[stream] = gate;
            }
        }
        await gate.WaitAsync(cancel);
        try
        {
            return await work(cancel);
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
