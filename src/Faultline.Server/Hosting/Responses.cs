using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Faultline.Server.Hosting;

/// <summary>JSON answers: every body is one object, errors are <c>{"error": "...", "status": N}</c>.</summary>
internal static class Responses
{
    /// <summary>Kestrel's hard cap on a body, as a multiple of the limit the API enforces.</summary>
    public const long DrainFactor = 4;

    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            write(w);
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(stream.ToArray()).AsTask();
    }

    public static Task Error(HttpContext context, int status, string message) => Json(context, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteNumber("status", status);
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads the body as one JSON document within the size limit; null after an error answer was written. An
    /// oversized body is read to its end (up to Kestrel's hard cap, <see cref="DrainFactor"/> times the limit)
    /// before the 413 goes out, so the client reads the answer instead of a reset connection.
    /// </summary>
    public static async Task<JsonDocument?> ReadJson(HttpContext context, long limit)
    {
        var request = context.Request;
        byte[] body;
        var tooLarge = request.ContentLength is { } declared && declared > limit;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (tooLarge || buffer.Length + read > limit)
                {
                    tooLarge = true;
                    continue;
                }
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            tooLarge = true;
            body = [];
        }
        catch (BadHttpRequestException e)
        {
            await Error(context, e.StatusCode, e.Message);
            return null;
        }
        if (tooLarge)
        {
            context.Response.Headers.Connection = "close";
            await Error(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than the limit of {limit} bytes");
            return null;
        }
        if (body.Length == 0)
        {
            await Error(context, StatusCodes.Status400BadRequest, "the body is empty; send a JSON object (Content-Type: application/json)");
            return null;
        }
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "";
            await Error(context, StatusCodes.Status400BadRequest, $"malformed JSON{where}: {Shorten(e.Message)}");
            return null;
        }
    }

    private static string Shorten(string message)
    {
        foreach (var marker in new[] { " LineNumber:", " Path:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }
        return message.Trim();
    }
}
