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
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
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
        telemetry.AuthFailure(header.Length == 0 ? "missing" : "wrong");
        LogRefused(log, context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason);
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"faultline\"";
        await Responses.Error(context, StatusCodes.Status401Unauthorized, $"unauthorized: {reason}; send Authorization: Bearer TOKEN with a token from the server's --token-file");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused {Method} {Path} from {Client}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string client, string reason);
}
