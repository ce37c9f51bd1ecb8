using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Faultline.Integrations.Storage;

/// <summary>
/// The event store in one SQLite file. WAL mode lets readers run beside the writer; every write starts with
/// BEGIN IMMEDIATE, so two processes on one file take the write lock in turn instead of failing half-way
/// through a transaction, and the busy timeout makes the second one wait for the first.
/// </summary>
/// <remarks>
/// The stream lock is a row in <c>stream_locks</c> claimed in an immediate transaction, with a lease that the
/// holder renews while it works: another process waits until the row is gone or its lease has run out (the
/// holder died). Within one process a semaphore per stream queues the waiters so they do not poll each other.
/// </remarks>
public sealed class SqliteEventStore : IEventStore
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            stream  TEXT    NOT NULL,
            version INTEGER NOT NULL,
            kind    TEXT    NOT NULL,
            data    TEXT    NOT NULL,
            at_ms   INTEGER NOT NULL,
            PRIMARY KEY (stream, version)
        ) WITHOUT ROWID;
        CREATE TABLE stream_locks (
            stream      TEXT    NOT NULL PRIMARY KEY,
            owner       TEXT    NOT NULL,
            expires_ms  INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lease;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _localLocks = new(StringComparer.Ordinal);
    private readonly string _owner = Guid.NewGuid().ToString("N");

    public SqliteEventStore(string path, TimeProvider? clock = null, TimeSpan? lease = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _clock = clock ?? TimeProvider.System;
        _lease = lease ?? DefaultLease;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public string Description => $"sqlite:{Path}";

    public async Task MigrateAsync(CancellationToken cancel = default)
    {
        try
        {
            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
            await using var connection = await OpenAsync(cancel);
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                await wal.ExecuteNonQueryAsync(cancel);
            }
            await using var tx = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_ms INTEGER NOT NULL);", cancel);
            var applied = Convert.ToInt64(await ScalarAsync(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancel), CultureInfo.InvariantCulture);
            for (var version = applied + 1; version <= Migrations.Length; version++)
            {
                await ExecuteAsync(connection, tx, Migrations[version - 1], cancel);
                await using var record = connection.CreateCommand();
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (version, applied_ms) VALUES ($v, $at);";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$at", Now());
                await record.ExecuteNonQueryAsync(cancel);
            }
            await tx.CommitAsync(cancel);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"{Description}: cannot create or upgrade the schema ({e.Message})", e);
        }
    }

    /// <summary>The schema version the file is at (0 before the first migration).</summary>
    public async Task<long> SchemaVersionAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var exists = await ScalarAsync(connection, null, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';", cancel);
        if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }
        return Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", cancel), CultureInfo.InvariantCulture);
    }

    public async Task<bool> PingAsync(CancellationToken cancel = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancel);
            await ScalarAsync(connection, null, "SELECT COUNT(*) FROM schema_migrations;", cancel);
            return true;
        }
        catch (Exception e) when (e is SqliteException or StoreException or IOException)
        {
            return false;
        }
    }

    public async Task<long> AppendAsync(string stream, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        try
        {
            await using var tx = connection.BeginTransaction(deferred: false);
            var current = await VersionAsync(connection, tx, stream, cancel);
            if (current != expectedVersion)
            {
                throw new StreamConflictException(stream, expectedVersion, current);
            }
            var at = Now();
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO events (stream, version, kind, data, at_ms) VALUES ($s, $v, $k, $d, $at);";
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            var v = insert.Parameters.Add("$v", SqliteType.Integer);
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var d = insert.Parameters.Add("$d", SqliteType.Text);
            insert.Parameters.AddWithValue("$at", at);
            var version = current;
            foreach (var e in events)
            {
                s.Value = stream;
                v.Value = ++version;
                k.Value = e.Kind;
                d.Value = e.Data;
                await insert.ExecuteNonQueryAsync(cancel);
            }
            await tx.CommitAsync(cancel);
            return version;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            // SQLITE_CONSTRAINT: cannot happen under BEGIN IMMEDIATE, but a conflict is the honest name for it.
            throw new StreamConflictException(stream, expectedVersion, await VersionAsync(connection, null, stream, cancel));
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string stream, long afterVersion = 0, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, kind, data, at_ms FROM events WHERE stream = $s AND version > $after ORDER BY version;";
        command.Parameters.AddWithValue("$s", stream);
        command.Parameters.AddWithValue("$after", afterVersion);
        var list = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            list.Add(new StoredEvent(stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }
        return list;
    }

    public async Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string prefix, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT stream, MAX(version), MAX(at_ms) FROM events WHERE substr(stream, 1, length($p)) = $p GROUP BY stream;";
        command.Parameters.AddWithValue("$p", prefix);
        var list = new List<StreamInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            list.Add(new StreamInfo(reader.GetString(0), reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }
        return list.OrderBy(s => s.Stream, StringComparer.Ordinal).ToList();
    }

    public async Task<T> WithStreamLockAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel = default)
    {
        var local = _localLocks.GetOrAdd(stream, _ => new SemaphoreSlim(1, 1));
        await local.WaitAsync(cancel);
        try
        {
            var token = $"{_owner}:{Guid.NewGuid():N}";
            await AcquireAsync(stream, token, cancel);
            using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var renewal = RenewAsync(stream, token, renewing.Token);
            try
            {
                return await work(cancel);
            }
            finally
            {
                await renewing.CancelAsync();
                await renewal;
                await ReleaseAsync(stream, token);
            }
        }
        finally
        {
            local.Release();
        }
    }

    private async Task AcquireAsync(string stream, string token, CancellationToken cancel)
    {
        var delay = 5;
        while (true)
        {
            await using (var connection = await OpenAsync(cancel))
            {
                await using var tx = connection.BeginTransaction(deferred: false);
                await using var claim = connection.CreateCommand();
                claim.Transaction = tx;
                // Claims the row when it is free or its holder's lease ran out; changes nothing otherwise.
                claim.CommandText = """
                    INSERT INTO stream_locks (stream, owner, expires_ms) VALUES ($s, $o, $exp)
                    ON CONFLICT (stream) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms
                    WHERE stream_locks.expires_ms < $now;
                    """;
                var now = Now();
                claim.Parameters.AddWithValue("$s", stream);
                claim.Parameters.AddWithValue("$o", token);
                claim.Parameters.AddWithValue("$exp", now + (long)_lease.TotalMilliseconds);
                claim.Parameters.AddWithValue("$now", now);
                var changed = await claim.ExecuteNonQueryAsync(cancel);
                await tx.CommitAsync(cancel);
                if (changed > 0)
                {
                    return;
                }
            }
            await Task.Delay(delay, cancel);
            delay = Math.Min(delay * 2, 50);
        }
    }

    private async Task RenewAsync(string stream, string token, CancellationToken cancel)
    {
        var every = TimeSpan.FromMilliseconds(Math.Max(10, _lease.TotalMilliseconds / 3));
        try
        {
            while (true)
            {
                await Task.Delay(every, _clock, cancel);
                await using var connection = await OpenAsync(cancel);
                await using var renew = connection.CreateCommand();
                renew.CommandText = "UPDATE stream_locks SET expires_ms = $exp WHERE stream = $s AND owner = $o;";
                renew.Parameters.AddWithValue("$exp", Now() + (long)_lease.TotalMilliseconds);
                renew.Parameters.AddWithValue("$s", stream);
                renew.Parameters.AddWithValue("$o", token);
                await renew.ExecuteNonQueryAsync(cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // the work is done
        }
    }

    private async Task ReleaseAsync(string stream, string token)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var release = connection.CreateCommand();
        release.CommandText = "DELETE FROM stream_locks WHERE stream = $s AND owner = $o;";
        release.Parameters.AddWithValue("$s", stream);
        release.Parameters.AddWithValue("$o", token);
        await release.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancel);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancel);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StoreException($"{Description}: cannot open the database ({e.Message})", e);
        }
    }

    private static async Task<long> VersionAsync(SqliteConnection connection, SqliteTransaction? tx, string stream, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = $s;";
        command.Parameters.AddWithValue("$s", stream);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancel);
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
