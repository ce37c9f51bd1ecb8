using System.Text.Json;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;
using Faultline.Server.Analyses;
using Faultline.Server.Kayenta;
using Faultline.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Faultline.Server.Hosting;

/// <summary>The HTTP API: health, analyses, the Argo Rollouts and Flagger contracts, and Kayenta's remote judge.</summary>
internal static partial class Endpoints
{
    public static void Map(WebApplication app, long limit)
    {
        app.MapGet("/healthz/live", (HttpContext c) => Responses.Json(c, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "live");
            w.WriteEndObject();
        }));
        app.MapGet("/healthz/ready", async (HttpContext c, IEventStore store) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            bool ready;
            try
            {
                ready = await store.PingAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!c.RequestAborted.IsCancellationRequested)
            {
                ready = false;
            }
            await Responses.Json(c, ready ? 200 : 503, w =>
            {
                w.WriteStartObject();
                w.WriteString("status", ready ? "ready" : "store unavailable");
                w.WriteString("store", store.Description);
                w.WriteEndObject();
            });
        });
        app.MapPost("/judge", (HttpContext c) => Kayenta(c, limit));
        app.MapPost("/api/v1/analyses", (HttpContext c, AnalysisService analyses) => Create(c, analyses, limit));
        app.MapGet("/api/v1/analyses", (HttpContext c, AnalysisService analyses) => List(c, analyses));
        app.MapGet("/api/v1/analyses/{name}", (HttpContext c, string name, AnalysisService analyses) => Guard(c, () => Full(c, name, analyses)));
        app.MapGet("/api/v1/analyses/{name}/argo", (HttpContext c, string name, AnalysisService analyses) => Guard(c, () => Argo(c, name, analyses)));
        app.MapPost("/api/v1/flagger/rollout", (HttpContext c, AnalysisService analyses) => Flagger(c, analyses, limit, confirmPromotion: false));
        app.MapPost("/api/v1/flagger/confirm-promotion", (HttpContext c, AnalysisService analyses) => Flagger(c, analyses, limit, confirmPromotion: true));
    }

    private static async Task Kayenta(HttpContext c, long limit)
    {
        using var doc = await Responses.ReadJson(c, limit);
        if (doc is null)
        {
            return;
        }
        KayentaJudgeRequest request;
        try
        {
            request = KayentaContract.Read(doc.RootElement);
        }
        catch (KayentaRequestException e)
        {
            await Responses.Error(c, 400, $"not a Kayenta remote-judge request: {e.Message}");
            return;
        }
        var result = KayentaStyleJudge.Judge(request);
        await Responses.Json(c, 200, w => KayentaContract.Write(w, result));
    }

    private static async Task Create(HttpContext c, AnalysisService analyses, long limit)
    {
        using var doc = await Responses.ReadJson(c, limit);
        if (doc is null)
        {
            return;
        }
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            await Responses.Error(c, 400, "the body must be a JSON object: {\"name\": ..., \"judge\": {...}, \"metrics\": {\"prometheus\": {...}}}");
            return;
        }
        if (!root.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            await Responses.Error(c, 400, "name: missing or not a string; the analysis needs a name (e.g. \"checkout\")");
            return;
        }
        var name = nameElement.GetString()!;
        await Guard(c, async () =>
        {
            var (state, written) = await analyses.CreateAsync(name, root.GetRawText(), c.RequestAborted);
            c.Response.Headers.Location = $"/api/v1/analyses/{name}";
            await Responses.Json(c, written ? 201 : 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("analysis", name);
                w.WriteNumber("generation", state.Generation);
                w.WriteBoolean("created", written);
                w.WriteString("windowStart", state.WindowStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndObject();
            });
        });
    }

    private static async Task List(HttpContext c, AnalysisService analyses)
    {
        var streams = await analyses.ListAsync(c.RequestAborted);
        await Responses.Json(c, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("analyses");
            foreach (var s in streams)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Stream["analysis/".Length..]);
                w.WriteNumber("events", s.Version);
                w.WriteString("updatedAt", s.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task Full(HttpContext c, string name, AnalysisService analyses)
    {
        var outcome = await analyses.LookAsync(name, null, c.RequestAborted);
        await Responses.Json(c, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("analysis", name);
            w.WriteNumber("generation", outcome.State.Generation);
            w.WriteBoolean("looked", outcome.Looked);
            if (outcome.From is { } from && outcome.To is { } to)
            {
                w.WriteStartObject("window");
                w.WriteString("from", from.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("to", to.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            JudgeJson.WriteFields(w, outcome.Result, outcome.State.Plan!.Judge);
            w.WriteEndObject();
        });
    }

    /// <summary>Argo Rollouts' web provider: always 200 with the verdict, so that the template's conditions decide.</summary>
    private static async Task Argo(HttpContext c, string name, AnalysisService analyses)
    {
        var outcome = await analyses.LookAsync(name, null, c.RequestAborted, explain: false);
        await Responses.Json(c, 200, w => Brief(w, name, outcome));
    }

    private static void Brief(System.Text.Json.Utf8JsonWriter w, string name, LookOutcome outcome)
    {
        w.WriteStartObject();
        w.WriteString("verdict", JudgeJson.Name(outcome.Result.Verdict));
        w.WriteString("summary", outcome.Result.Summary);
        w.WriteString("analysis", name);
        w.WriteNumber("generation", outcome.State.Generation);
        w.WriteNumber("looks", outcome.Result.Looks);
        if (outcome.Result.Regression is { } regression)
        {
            w.WriteString("regression", regression);
        }
        else
        {
            w.WriteNull("regression");
        }
        w.WriteStartArray("missing");
        foreach (var m in outcome.Result.Missing)
        {
            w.WriteStringValue(m);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Flagger's webhooks: the rollout check answers 200 to advance (promote, continue) and 412 to halt (hold,
    /// rollback), counting as a failed check; confirm-promotion answers 200 only on promote.
    /// </summary>
    private static async Task Flagger(HttpContext c, AnalysisService analyses, long limit, bool confirmPromotion)
    {
        using var doc = await Responses.ReadJson(c, limit);
        if (doc is null)
        {
            return;
        }
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("namespace", out var ns) || ns.ValueKind != JsonValueKind.String)
        {
            await Responses.Error(c, 400, "not a Flagger webhook payload: expected {\"name\", \"namespace\", \"phase\", \"checksum\", \"metadata\"}");
            return;
        }
        if (c.Items.ContainsKey(BearerAuthentication.FlaggerMetadataToken))
        {
            var presented = root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
                && md.TryGetProperty("token", out var tk) && tk.ValueKind == JsonValueKind.String ? tk.GetString() : null;
            if (presented is null || !c.RequestServices.GetRequiredService<TokenSet>().Accepts(presented))
            {
                var reason = presented is null ? "no Authorization header and no metadata.token" : "metadata.token is not one of the configured tokens";
                await BearerAuthentication.Refuse(c, c.RequestServices.GetRequiredService<ServerTelemetry>(), Logger(c), reason, presented is null);
                return;
            }
        }
        string? analysis = null;
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("analysis", out var a) && a.ValueKind == JsonValueKind.String)
        {
            analysis = a.GetString();
        }
        analysis ??= $"{n.GetString()}.{ns.GetString()}";
        var checksum = root.TryGetProperty("checksum", out var cs) && cs.ValueKind == JsonValueKind.String && cs.GetString()!.Length > 0 ? cs.GetString() : null;
        await Guard(c, async () =>
        {
            var outcome = await analyses.LookAsync(analysis, checksum, c.RequestAborted, explain: false);
            var verdict = outcome.Result.Verdict;
            // A new revision's first call only starts its analysis: there is no interval to judge yet, and a
            // halt would spend one of Flagger's failed checks on nothing.
            var starting = outcome.State.LooksInGeneration == 0 && outcome.State.LastMissing.Count == 0 && !outcome.Looked;
            var pass = confirmPromotion ? verdict == Verdict.Promote : verdict is Verdict.Promote or Verdict.Continue || starting;
            await Responses.Json(c, pass ? 200 : 412, w => Brief(w, analysis, outcome));
        });
    }

    /// <summary>Turns the caller's mistakes into 4xx, an unusable store into 503 and anything else into 500, with a log line.</summary>
    private static async Task Guard(HttpContext c, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (AnalysisRequestException e)
        {
            await Responses.Error(c, e.Status, e.Message);
        }
        catch (StoreException e)
        {
            LogFailure(Logger(c), c.Request.Path.Value ?? "", e);
            await Responses.Error(c, 503, $"the store is unavailable: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !c.RequestAborted.IsCancellationRequested)
        {
            LogFailure(Logger(c), c.Request.Path.Value ?? "", e);
            await Responses.Error(c, 500, $"the judge failed: {e.Message}");
        }
    }

    private static ILogger Logger(HttpContext c) => c.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Faultline.Server.Endpoints");

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} failed")]
    private static partial void LogFailure(ILogger logger, string path, Exception exception);
}
