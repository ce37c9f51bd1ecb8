using Npgsql;

namespace Faultline.Integrations.Storage;

/// <summary>Opens an event store from the one-word spec that <c>--store</c> takes.</summary>
public static class EventStores
{
    /// <summary>
    /// <c>sqlite:PATH</c>, <c>postgres:CONNSTRING</c> (keyword form, <c>Host=db;Username=faultline;...</c>),
    /// a <c>postgres://</c> or <c>postgresql://</c> URL, or a bare path (SQLite). The store is not migrated yet.
    /// </summary>
    public static IEventStore Open(string spec, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (text.Length == 0)
        {
            throw new StoreException("the store is empty; give sqlite:PATH, postgres:CONNSTRING or a postgres:// URL");
        }
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresEventStore(FromUrl(text), clock);
        }
        if (text.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..];
            return new PostgresEventStore(rest, clock);
        }
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            return path.Length == 0 ? throw new StoreException("sqlite: needs a file path (sqlite:/var/lib/faultline/state.db)") : new SqliteEventStore(path, clock);
        }
        if (text.StartsWith("memory", StringComparison.OrdinalIgnoreCase) && text.Length == "memory".Length)
        {
            return new MemoryEventStore(clock);
        }
        return new SqliteEventStore(text, clock);
    }

    /// <summary>postgres://user:password@host:port/database?sslmode=require&amp;... as an Npgsql connection string.</summary>
    public static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StoreException("not a PostgreSQL URL: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE");
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException e)
            {
                throw new StoreException($"PostgreSQL URL: unknown parameter '{key}' ({e.Message})", e);
            }
        }
        return builder.ConnectionString;
    }
}
