using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Faultline.Testing;

/// <summary>
/// A real server (Prometheus, PostgreSQL, dockerd, ...) started by a test fixture: its own folder, a loopback
/// port, readiness polled rather than waited for, and stopped by PID at the end. A missing binary fails the
/// test with the Debian package to install: the integration tests never skip silently.
/// </summary>
public sealed class LocalService : IDisposable
{
    private readonly Process _process;
    private readonly StringWriter _output = new();

    private LocalService(Process process, string name)
    {
        _process = process;
        Name = name;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A free TCP port on 127.0.0.1 (taken from the kernel, then released for the server to bind).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The full path of a binary, or a failure naming the Debian package that has it.</summary>
    public static string Require(string binary, string package, params string[] extraFolders)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(extraFolders);
        foreach (var folder in folders.Where(f => f.Length > 0))
        {
            var path = Path.Combine(folder, binary);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException($"'{binary}' is not installed: the integration tests need the Debian package '{package}' (apt-get install -y {package}; .ci/run installs it)");
    }

    public static LocalService Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        return new LocalService(process, name);
    }

    /// <summary>Runs a command to completion; a non-zero exit fails with its output.</summary>
    public static string Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {stdout.Result}{stderr.Result}");
        }
        return stdout.Result;
    }

    /// <summary>Polls <paramref name="ready"/> every 50 ms until it answers true, the process dies, or the time is up.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} was not ready in time:\n{Output}");
    }

    /// <summary>Stops the server: SIGTERM, then SIGKILL after five seconds.</summary>
    public void Stop()
    {
        if (_process.HasExited)
        {
            return;
        }
        try
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.GetStringBuilder().Length < 64_000)
            {
                _output.WriteLine(line);
            }
        }
    }
}
