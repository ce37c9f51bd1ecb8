using System.Globalization;

namespace Faultline.Testing;

/// <summary>
/// A real PostgreSQL 15 (Debian package 'postgresql') in a folder of its own, owned by the 'postgres' user
/// (initdb refuses to run as root), listening on 127.0.0.1 and a free port, with fsync off. Each test class
/// gets fresh databases from <see cref="CreateDatabase"/>; the server is stopped by pg_ctl (or its PID) at
/// the end.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string _pgCtl;
    private readonly string _psql;
    private int _databases;

    private PostgresServer(string folder, int port, string pgCtl, string psql)
    {
        Folder = folder;
        Port = port;
        _pgCtl = pgCtl;
        _psql = psql;
    }

    public string Folder { get; }

    public int Port { get; }

    public string DataFolder => Path.Combine(Folder, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var initdb = LocalService.Require("initdb", "postgresql", Bin);
        var pgCtl = LocalService.Require("pg_ctl", "postgresql", Bin);
        var psql = LocalService.Require("psql", "postgresql", Bin);
        var runuser = LocalService.Require("runuser", "util-linux", "/usr/sbin", "/sbin");
        var folder = Directory.CreateTempSubdirectory("faultline-postgres-").FullName;
        var data = Path.Combine(folder, "data");
        // The postgres user must own the folders and be able to reach them.
        LocalService.Run("chmod", ["755", folder]);
        LocalService.Run("chown", ["postgres:postgres", folder]);
        LocalService.Run(runuser, ["-u", "postgres", "--", initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
        var port = LocalService.FreePort();
        var server = new PostgresServer(folder, port, pgCtl, psql);
        var options = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        LocalService.Run(runuser, ["-u", "postgres", "--", pgCtl, "-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "30", "-o", options, "start"]);
        // pg_ctl -w waits for readiness; poll once more through a real query in case it raced.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                server.Psql("postgres", "SELECT 1");
                break;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        return server;
    }

    /// <summary>Creates a new empty database and returns its connection string (user postgres, trust auth).</summary>
    public string CreateDatabase(string? prefix = null)
    {
        var name = $"{prefix ?? "faultline"}_{Interlocked.Increment(ref _databases)}";
        Psql("postgres", $"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50");

    public string Psql(string database, string sql) =>
        LocalService.Run(_psql, ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql]);

    public void Dispose()
    {
        try
        {
            LocalService.Run("runuser", ["-u", "postgres", "--", _pgCtl, "-D", DataFolder, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var pidFile = Path.Combine(DataFolder, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }
}
