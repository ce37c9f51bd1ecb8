namespace Faultline.Integrations.Storage;

/// <summary>An event to append: its kind (e.g. "look", "weight-set", "decision") and its JSON body.</summary>
public sealed record NewEvent(string Kind, string Data);

/// <summary>An event as stored: the stream it belongs to, its 1-based version in that stream, and when it was written.</summary>
public sealed record StoredEvent(string Stream, long Version, string Kind, string Data, DateTimeOffset At);

/// <summary>A stream's name, its last version and when it last changed.</summary>
public sealed record StreamInfo(string Stream, long Version, DateTimeOffset UpdatedAt);

/// <summary>Another writer appended to the stream first; re-read it and decide again.</summary>
public sealed class StreamConflictException(string stream, long expected, long actual)
    : Exception($"stream '{stream}' is at version {actual}, not {expected}: another writer got there first")
{
    public string Stream { get; } = stream;

    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}

/// <summary>The store cannot be used (cannot open, cannot migrate, connection lost), in words a user can act on.</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where rollouts and analyses keep their state: append-only streams of events, one stream per rollout
/// (<c>rollout/NAME</c>) or analysis (<c>analysis/NAME</c>). State is what the events say when read in order, so
/// every decision is written before it is acted on and a restart (or another replica) continues from the
/// same facts. Appends are optimistic: each names the version it extends, and a stream that moved on refuses
/// it, so an observation is never counted twice.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>What the store is, for messages ("sqlite:/var/lib/faultline/state.db"); never includes a password.</summary>
    string Description { get; }

    /// <summary>Creates or upgrades the schema (versioned migrations); safe to call from several processes.</summary>
    Task MigrateAsync(CancellationToken cancel = default);

    /// <summary>Whether the store answers a trivial query now.</summary>
    Task<bool> PingAsync(CancellationToken cancel = default);

    /// <summary>
    /// Appends <paramref name="events"/> after <paramref name="expectedVersion"/> (0 for a new stream) in one
    /// transaction and returns the new version; throws <see cref="StreamConflictException"/> when the stream is
    /// not at that version.
    /// </summary>
    Task<long> AppendAsync(string stream, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancel = default);

    /// <summary>The stream's events after <paramref name="afterVersion"/>, in order; empty for an unknown stream.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(string stream, long afterVersion = 0, CancellationToken cancel = default);

    /// <summary>The streams whose names start with <paramref name="prefix"/>, by name.</summary>
    Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string prefix, CancellationToken cancel = default);

    /// <summary>
    /// Runs <paramref name="work"/> while holding an exclusive lock on the stream that other processes on the
    /// same store respect (PostgreSQL: an advisory lock; SQLite: a lock row written in an immediate
    /// transaction), so that concurrent looks at one analysis are serialised.
    /// </summary>
    Task<T> WithStreamLockAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel = default);
}
