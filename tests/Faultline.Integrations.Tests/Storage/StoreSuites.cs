using Faultline.Integrations.Storage;
using Faultline.Testing;

namespace Faultline.Integrations.Tests.Storage;

/// <summary>The store contract on a SQLite file in a temporary folder.</summary>
public sealed class SqliteEventStoreTests : EventStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("faultline-sqlite-").FullName;

    protected override string NewLocation() => Path.Combine(_folder, "state.db");

    protected override IEventStore Open(string location) => EventStores.Open($"sqlite:{location}");

    [Fact]
    public async Task Migrate_RecordsTheSchemaVersionOnce()
    {
        var store = (SqliteEventStore)Reopen();
        await store.MigrateAsync();
        await store.MigrateAsync();
        Assert.Equal(1, await store.SchemaVersionAsync());
        Assert.Equal($"sqlite:{NewLocation()}", store.Description);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>One real PostgreSQL 15 for every PostgreSQL test class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

/// <summary>The store contract on a real PostgreSQL, a fresh database per test.</summary>
[Collection("postgres")]
public sealed class PostgresEventStoreTests(PostgresFixture postgres) : EventStoreContract
{
    protected override string NewLocation() => postgres.Server.CreateDatabase("store");

    protected override IEventStore Open(string location) => EventStores.Open($"postgres:{location}");

    [Fact]
    public async Task Migrate_ManyInstancesAtOnce_AppliesEachMigrationOnce()
    {
        var location = postgres.Server.CreateDatabase("migrate");
        var stores = Enumerable.Range(0, 6).Select(_ => (PostgresEventStore)Open(location)).ToList();
        await Task.WhenAll(stores.Select(s => s.MigrateAsync()));
        Assert.Equal(1, await stores[0].SchemaVersionAsync());
        Assert.Equal(1, await stores[0].MigrationRowsAsync());
        foreach (var s in stores)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Url_WithPassword_OpensAndHidesThePassword()
    {
        var location = postgres.Server.CreateDatabase("url");
        var database = location.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        await using var store = EventStores.Open($"postgresql://postgres:secret@127.0.0.1:{postgres.Server.Port}/{database}");
        await store.MigrateAsync();
        Assert.True(await store.PingAsync());
        Assert.Equal($"postgres://postgres@127.0.0.1:{postgres.Server.Port}/{database}", store.Description);
    }

    [Fact]
    public async Task StreamLock_MoreHoldersThanPooledConnections_NoDeadlock()
    {
        var location = postgres.Server.CreateDatabase("pool") + ";Maximum Pool Size=4;Timeout=5";
        await using var store = Open(location);
        await store.MigrateAsync();
        var tasks = Enumerable.Range(0, 20).Select(i => store.WithStreamLockAsync($"analysis/{i % 7}", async cancel =>
        {
            var events = await store.ReadAsync($"analysis/{i % 7}", 0, cancel);
            return await store.AppendAsync($"analysis/{i % 7}", events.Count, [new NewEvent("look", "{}")], cancel);
        }));
        var versions = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(20, versions.Length);
        Assert.Equal(20, (await store.ListStreamsAsync("analysis/")).Sum(s => s.Version));
    }

    [Fact]
    public async Task Ping_ServerUnreachable_IsFalse()
    {
        await using var store = EventStores.Open($"postgres:Host=127.0.0.1;Port={LocalService.FreePort()};Username=postgres;Password=secret;Timeout=2");
        Assert.False(await store.PingAsync());
        Assert.DoesNotContain("secret", store.Description, StringComparison.Ordinal);
    }
}

public sealed class EventStoresTests
{
    [Theory]
    [InlineData("sqlite:/tmp/x/state.db", "sqlite:/tmp/x/state.db")]
    [InlineData("/tmp/x/state.db", "sqlite:/tmp/x/state.db")]
    [InlineData("postgres:Host=db;Port=5433;Username=fl;Password=secret;Database=faultline", "postgres://fl@db:5433/faultline")]
    [InlineData("postgres://fl:secret@db:5433/faultline?sslmode=require", "postgres://fl@db:5433/faultline")]
    [InlineData("postgresql://fl:s%40cret@db/faultline", "postgres://fl@db:5432/faultline")]
    public async Task Open_Spec_DescribesTheStoreWithoutPassword(string spec, string description)
    {
        await using var store = EventStores.Open(spec);
        Assert.Equal(description, store.Description);
    }

    [Fact]
    public void FromUrl_CarriesPasswordAndOptions()
    {
        var text = EventStores.FromUrl("postgresql://fl:s%40cret@db:6543/app?sslmode=disable");
        Assert.Contains("Password=s@cret", text, StringComparison.Ordinal);
        Assert.Contains("Port=6543", text, StringComparison.Ordinal);
        Assert.Contains("SSL Mode=Disable", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Empty_IsAStoreError()
    {
        Assert.Throws<StoreException>(() => EventStores.Open(" "));
    }
}
