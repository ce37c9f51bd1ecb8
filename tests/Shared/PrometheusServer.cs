using System.Globalization;
using System.Text;

namespace Faultline.Testing;

/// <summary>
/// A real Prometheus (Debian package 'prometheus') on a loopback port with a folder of its own. History is
/// loaded before start by <c>promtool tsdb create-blocks-from openmetrics</c>, so queries see it at once;
/// scrape targets (host:port) are scraped every second.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly LocalService _service;

    private PrometheusServer(LocalService service, string folder, int port)
    {
        _service = service;
        Folder = folder;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Url { get; }

    public string Folder { get; }

    public static async Task<PrometheusServer> StartAsync(string? openMetrics = null, IReadOnlyList<string>? scrapeTargets = null, string metricsPath = "/metrics")
    {
        var prometheus = LocalService.Require("prometheus", "prometheus");
        var promtool = LocalService.Require("promtool", "prometheus");
        var folder = Directory.CreateTempSubdirectory("faultline-prometheus-").FullName;
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        if (openMetrics is not null)
        {
            var input = Path.Combine(folder, "history.om");
            File.WriteAllText(input, openMetrics.EndsWith("# EOF\n", StringComparison.Ordinal) ? openMetrics : openMetrics + "# EOF\n");
            LocalService.Run(promtool, ["tsdb", "create-blocks-from", "openmetrics", input, data]);
        }
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
        if (scrapeTargets is { Count: > 0 })
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: faultline\n    metrics_path: {metricsPath}\n    static_configs:\n      - targets: [{string.Join(", ", scrapeTargets.Select(t => $"'{t}'"))}]\n");
        }
        else
        {
            config.Append("  []\n");
        }
        var configPath = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(configPath, config.ToString().Replace("scrape_configs:\n  []", "scrape_configs: []", StringComparison.Ordinal));
        var port = LocalService.FreePort();
        var service = LocalService.Start("prometheus", prometheus,
        [
            $"--config.file={configPath}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=30d", "--web.enable-admin-api", "--log.level=warn",
        ], folder);
        var server = new PrometheusServer(service, folder, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await service.WaitUntilAsync(async () => (await http.GetAsync(new Uri(server.Url, "-/ready"))).IsSuccessStatusCode);
        return server;
    }

    /// <summary>Stops the server (a test of "Prometheus went away" calls this mid-run).</summary>
    public void Stop() => _service.Stop();

    public void Dispose()
    {
        _service.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the OS
        }
    }
}

/// <summary>Writes OpenMetrics text for promtool: samples grouped by metric family, timestamps in seconds.</summary>
public sealed class OpenMetricsWriter
{
    private readonly Dictionary<string, (string Type, List<string> Lines)> _families = new(StringComparer.Ordinal);

    /// <summary>Adds one sample; <paramref name="family"/> is the metric family (for a histogram: without _bucket/_count/_sum).</summary>
    public OpenMetricsWriter Add(string family, string type, string name, IReadOnlyDictionary<string, string> labels, double timestamp, double value)
    {
        if (!_families.TryGetValue(family, out var f))
        {
            f = (type, []);
            _families[family] = f;
        }
        var labelText = labels.Count == 0 ? "" : "{" + string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
        f.Lines.Add($"{name}{labelText} {Format(value)} {timestamp.ToString("0.###", CultureInfo.InvariantCulture)}");
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (family, (type, lines)) in _families)
        {
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {family} {type}\n");
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }
        }
        text.Append("# EOF\n");
        return text.ToString();
    }

    private static string Format(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
