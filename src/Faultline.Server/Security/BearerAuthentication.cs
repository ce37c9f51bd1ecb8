using Faultline.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Faultline.Server.Security;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer TOKEN</c> for a token of the <see cref="TokenSet"/>;
/// health endpoints are open so that probes need no secret. A refusal is logged with the path, the client
/// address and why, never with what was presented.
/// </summary>
internal sealed partial class BearerAuthentication(RequestDelegate next, TokenSet tokens, ServerTelemetry telemetry, ILogger<BearerAuthentication> log)
{
    /// <summary>Set on a Flagger webhook that came without an Authorization header: its payload must carry metadata.token.</summary>
    public const string FlaggerMetadataToken = "faultline.flagger-metadata-token";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && context.Request.Path.StartsWithSegments("/api/v1/flagger", StringComparison.Ordinal))
        {
            // Flagger cannot send headers on webhooks; the endpoint checks metadata.token in the payload instead.
            context.Items[FlaggerMetadataToken] = true;
            await next(context);
            return;
        }
        string? reason = null;
        if (header.Length == 0)
        {
            reason = "no Authorization header";
        }
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            reason = "the Authorization header is not a bearer token";
        }
        else if (!tokens.Accepts(header.AsSpan(7).Trim()))
        {
            reason = "the bearer token is not one of the configured tokens";
        }
        if (reason is null)
        {
            await next(context);
            return;
        }
        await Refuse(context, telemetry, log, reason, header.Length == 0);
    }

    /// <summary>Refuses a request (401) and logs why, without anything that was presented.</summary>
    public static async Task Refuse(HttpContext context, ServerTelemetry telemetry, ILogger log, string reason, bool missing)
    {
        telemetry.AuthFailure(missing ? "missing" : "wrong");
        LogRefused(log, context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason);
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"faultline\"";
        await Responses.Error(context, StatusCodes.Status401Unauthorized, $"unauthorized: {reason}; send Authorization: Bearer TOKEN with a token from the server's --token-file (Flagger webhooks: metadata.token)");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused {Method} {Path} from {Client}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string client, string reason);
}
