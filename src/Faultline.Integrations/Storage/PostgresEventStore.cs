using Npgsql;

namespace Faultline.Integrations.Storage;

/// <summary>
/// The event store on PostgreSQL, for several <c>faultline serve</c> replicas. Migrations are numbered and
/// recorded in <c>schema_migrations</c>; they run under an advisory lock, so replicas starting together
/// apply each one once. An append checks the stream's version and inserts in one transaction; the primary
/// key (stream, version) turns a lost race into a <see cref="StreamConflictException"/>. The stream lock is
/// <c>pg_advisory_lock</c> on a hash of the stream name, held on one connection for the whole work, and
/// released by the server if that connection dies.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    /// <summary>The advisory lock key that serialises migrations (an arbitrary constant: "faultline" in ASCII, truncated).</summary>
    private const long MigrationLockKey = 0x6661756c746c696e;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            stream  text        NOT NULL,
            version bigint      NOT NULL,
            kind    text        NOT NULL,
            data    text        NOT NULL,
            at      timestamptz NOT NULL,
            PRIMARY KEY (stream, version)
        );
        """,
    ];

    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _lockSlots;

    public PostgresEventStore(string connectionString, TimeProvider? clock = null)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StoreException($"not a PostgreSQL connection string ({e.Message})", e);
        }
        Description = $"postgres://{(string.IsNullOrEmpty(builder.Username) ? "" : builder.Username + "@")}{builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder);
        _clock = clock ?? TimeProvider.System;
        // A lock holder keeps one connection and its work needs another: with every pooled connection held by a
        // lock, the work would wait for the pool forever. At most half the pool holds locks.
        _lockSlots = new SemaphoreSlim(Math.Max(1, builder.MaxPoolSize / 2));
    }

    public string Description { get; }

    public async Task MigrateAsync(CancellationToken cancel = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancel);
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey});", cancel);
            try
            {
                await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());", cancel);
                await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", connection);
                var applied = Convert.ToInt32(await read.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
                for (var version = applied + 1; version <= Migrations.Length; version++)
                {
                    await using var tx = await connection.BeginTransactionAsync(cancel);
                    await using (var migrate = new NpgsqlCommand(Migrations[version - 1], connection, tx))
                    {
                        await migrate.ExecuteNonQueryAsync(cancel);
                    }
                    await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES (@v);", connection, tx))
                    {
                        record.Parameters.AddWithValue("v", version);
                        await record.ExecuteNonQueryAsync(cancel);
                    }
                    await tx.CommitAsync(cancel);
                }
            }
            finally
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey});", CancellationToken.None);
            }
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException)
        {
            throw new StoreException($"{Description}: cannot create or upgrade the schema ({e.Message})", e);
        }
    }

    /// <summary>The schema version the database is at (0 before the first migration).</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = new NpgsqlCommand("SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) END;", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many migrations are recorded (each must be recorded once, however many replicas migrated).</summary>
    public async Task<long> MigrationRowsAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM schema_migrations;", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<bool> PingAsync(CancellationToken cancel = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancel);
            await using var command = new NpgsqlCommand("SELECT 1 FROM schema_migrations LIMIT 1;", connection);
            await command.ExecuteScalarAsync(cancel);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or StoreException or TimeoutException)
        {
            return false;
        }
    }

    public async Task<long> AppendAsync(string stream, long expectedVersion, IReadOnlyList<NewEvent> events, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancel);
            var current = await VersionAsync(connection, tx, stream, cancel);
            if (current != expectedVersion)
            {
                throw new StreamConflictException(stream, expectedVersion, current);
            }
            var version = current;
            if (events.Count > 0)
            {
                await using var batch = new NpgsqlBatch(connection, tx);
                var at = _clock.GetUtcNow();
                foreach (var e in events)
                {
                    var insert = new NpgsqlBatchCommand("INSERT INTO events (stream, version, kind, data, at) VALUES ($1, $2, $3, $4, $5);");
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
                    insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ++version });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Kind });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Data });
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
                    batch.BatchCommands.Add(insert);
                }
                await batch.ExecuteNonQueryAsync(cancel);
            }
            await tx.CommitAsync(cancel);
            return version;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another writer inserted the same version between our read and our insert.
            throw new StreamConflictException(stream, expectedVersion, await VersionAsync(connection, null, stream, cancel));
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string stream, long afterVersion = 0, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = new NpgsqlCommand("SELECT version, kind, data, at FROM events WHERE stream = $1 AND version > $2 ORDER BY version;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        var list = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            list.Add(new StoredEvent(stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return list;
    }

    public async Task<IReadOnlyList<StreamInfo>> ListStreamsAsync(string prefix, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await using var command = new NpgsqlCommand("SELECT stream, MAX(version), MAX(at) FROM events WHERE starts_with(stream, $1) GROUP BY stream;", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        var list = new List<StreamInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancel);
        while (await reader.ReadAsync(cancel))
        {
            list.Add(new StreamInfo(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return list.OrderBy(s => s.Stream, StringComparer.Ordinal).ToList();
    }

    public async Task<T> WithStreamLockAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel = default)
    {
        await _lockSlots.WaitAsync(cancel);
        try
        {
            return await LockedAsync(stream, work, cancel);
        }
        finally
        {
            _lockSlots.Release();
        }
    }

    private async Task<T> LockedAsync<T>(string stream, Func<CancellationToken, Task<T>> work, CancellationToken cancel)
    {
        await using var connection = await OpenAsync(cancel);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0));", connection))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            lockCommand.CommandTimeout = 0;
            await lockCommand.ExecuteNonQueryAsync(cancel);
        }
        try
        {
            return await work(cancel);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0));", connection);
            unlock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancel)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancel);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException)
        {
            throw new StoreException($"{Description}: cannot connect ({e.Message})", e);
        }
    }

    private static async Task<long> VersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string stream, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = $1;", connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        return (long)(await command.ExecuteScalarAsync(cancel))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _lockSlots.Dispose();
    }
}
