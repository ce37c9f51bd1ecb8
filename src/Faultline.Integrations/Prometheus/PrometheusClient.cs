using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Faultline.Integrations.Prometheus;

/// <summary>One series of an instant query: its labels and the value at the query time.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Timestamp, double Value);

/// <summary>One series of a range query: its labels and the (Unix seconds, value) points in order.</summary>
public sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Timestamp, double Value)> Points);

/// <summary>Why a query gave no answer: the server could not be reached, refused the query, or failed.</summary>
public enum PrometheusFailure
{
    Unreachable,
    Timeout,
    BadQuery,
    ServerError,
    BadResponse,
}

/// <summary>A query that gave no answer, with the reason in words a user can act on.</summary>
public sealed class PrometheusException(PrometheusFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public PrometheusFailure Failure { get; } = failure;
}

/// <summary>
/// Reads Prometheus (or Thanos, Mimir, VictoriaMetrics: the same HTTP API) with <c>/api/v1/query</c> and
/// <c>/api/v1/query_range</c>. Queries go as form posts, so long PromQL does not hit URL limits. Every failure
/// becomes a <see cref="PrometheusException"/> naming the server and the query.
/// </summary>
public sealed class PrometheusClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TimeSpan _timeout;

    public PrometheusClient(HttpClient http, Uri baseUrl, TimeSpan? timeout = null)
    {
        _http = http;
        _base = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _timeout = timeout ?? DefaultTimeout;
    }

    public Uri BaseUrl => _base;

    /// <summary>An instant query at <paramref name="time"/> (the server's now when null); only vectors and scalars are accepted.</summary>
    public async Task<IReadOnlyList<PromSample>> QueryAsync(string promql, DateTimeOffset? time = null, CancellationToken cancel = default)
    {
        var form = new Dictionary<string, string> { ["query"] = promql };
        if (time is { } t)
        {
            form["time"] = Seconds(t);
        }
        using var doc = await Post("api/v1/query", form, promql, cancel);
        var data = doc.RootElement.GetProperty("data");
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        var samples = new List<PromSample>();
        switch (type)
        {
            case "vector":
                foreach (var series in result.EnumerateArray())
                {
                    var (ts, value) = Point(series.GetProperty("value"));
                    samples.Add(new PromSample(Labels(series), ts, value));
                }
                break;
            case "scalar":
                var (sts, svalue) = Point(result);
                samples.Add(new PromSample(new Dictionary<string, string>(), sts, svalue));
                break;
            default:
                throw new PrometheusException(PrometheusFailure.BadQuery, $"{_base}: the query gives a {type}, not an instant vector: {promql}");
        }
        return samples;
    }

    /// <summary>A range query from <paramref name="start"/> to <paramref name="end"/> every <paramref name="step"/>.</summary>
    public async Task<IReadOnlyList<PromSeries>> QueryRangeAsync(string promql, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancel = default)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentException("the step of a range query must be positive", nameof(step));
        }
        var form = new Dictionary<string, string>
        {
            ["query"] = promql,
            ["start"] = Seconds(start),
            ["end"] = Seconds(end),
            ["step"] = step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        using var doc = await Post("api/v1/query_range", form, promql, cancel);
        var data = doc.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "matrix")
        {
            throw new PrometheusException(PrometheusFailure.BadResponse, $"{_base}: a range query did not give a matrix: {promql}");
        }
        var list = new List<PromSeries>();
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var points = new List<(double, double)>();
            foreach (var point in series.GetProperty("values").EnumerateArray())
            {
                points.Add(Point(point));
            }
            list.Add(new PromSeries(Labels(series), points));
        }
        return list;
    }

    /// <summary>Whether the server answers its readiness endpoint.</summary>
    public async Task<bool> ReadyAsync(CancellationToken cancel = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(_timeout);
            using var response = await _http.GetAsync(new Uri(_base, "-/ready"), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<JsonDocument> Post(string path, Dictionary<string, string> form, string promql, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(new Uri(_base, path), new FormUrlEncodedContent(form), timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new PrometheusException(PrometheusFailure.Timeout, $"{_base}: no answer within {_timeout.TotalSeconds:0.#} s to: {promql}", e);
        }
        catch (HttpRequestException e)
        {
            throw new PrometheusException(PrometheusFailure.Unreachable, $"{_base}: cannot reach Prometheus ({e.Message})", e);
        }
        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancel.IsCancellationRequested)
            {
                throw new PrometheusException(PrometheusFailure.Unreachable, $"{_base}: the answer was cut off ({e.Message})", e);
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                var kind = response.IsSuccessStatusCode ? PrometheusFailure.BadResponse : PrometheusFailure.ServerError;
                throw new PrometheusException(kind, $"{_base}{path}: HTTP {(int)response.StatusCode}, not a Prometheus API answer: {Shorten(body)}", e);
            }
            var root = doc.RootElement;
            var status = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (status == "success" && root.TryGetProperty("data", out _))
            {
                return doc;
            }
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var err) ? err.GetString() : Shorten(body);
            var errorType = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorType", out var et) ? et.GetString() : null;
            doc.Dispose();
            var failure = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity || errorType == "bad_data"
                ? PrometheusFailure.BadQuery
                : PrometheusFailure.ServerError;
            throw new PrometheusException(failure, $"{_base}: {errorType ?? "error"}: {error} (query: {promql})");
        }
    }

    private static Dictionary<string, string> Labels(JsonElement series)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (series.TryGetProperty("metric", out var metric))
        {
            foreach (var p in metric.EnumerateObject())
            {
                labels[p.Name] = p.Value.GetString() ?? "";
            }
        }
        return labels;
    }

    /// <summary>A [time, "value"] pair; values are strings so that NaN and ±Inf survive JSON.</summary>
    private static (double, double) Point(JsonElement pair)
    {
        var time = pair[0].GetDouble();
        var text = pair[1].GetString() ?? "NaN";
        var value = text switch
        {
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return (time, value);
    }

    private static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Shorten(string body) => body.Length > 200 ? body[..200] + "..." : body.Trim();
}
