using System.CommandLine;
using Faultline.Core.Canary;
using Faultline.Router;
using Faultline.Sources.Canary;

namespace Faultline.Cli.Commands;

/// <summary>`faultline router`: the embedded router on its own, weights changed through its admin API.</summary>
internal static class RouterCommand
{
    public static Command Create(ConsoleIo io)
    {
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to serve traffic on.", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var stable = new Option<string[]>("--stable") { Description = "Stable upstream URL (repeat or comma-separate for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var canary = new Option<string[]>("--canary") { Description = "Canary upstream URL (repeat or comma-separate for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var weight = new Option<int>("--canary-weight") { Description = "The canary's share of traffic in percent (0-100).", DefaultValueFactory = _ => 0 };
        var admin = new Option<string?>("--admin") { Description = "HOST:PORT of the admin API (GET/PUT /weights, GET /status); none when left out." };
        var sticky = new Option<string>("--sticky") { Description = "Keep users on one version: cookie, or header:NAME (a hash of that header).", DefaultValueFactory = _ => "none" };
        var overrideHeader = new Option<string>("--override-header") { Description = "Request header that forces a version (canary or stable).", DefaultValueFactory = _ => RouterDefaults.OverrideHeader };
        var timeout = new Option<string>("--upstream-timeout") { Description = "How long to wait for an upstream's response headers before answering 504.", DefaultValueFactory = _ => "30s" };
        var command = new Command("router", "Run the traffic router alone: a weighted, sticky split between a stable and a canary upstream, with per-version metrics at /_faultline/metrics.")
        {
            listen, stable, canary, weight, admin, sticky, overrideHeader, timeout,
        };
        command.SetAction(parse =>
        {
            var w = parse.GetValue(weight);
            if (w is < 0 or > 100)
            {
                throw new UsageException("--canary-weight must be a percentage from 0 to 100");
            }
            var stickySpec = CanarySpecReader.ParseSticky(parse.GetValue(sticky)!) ?? throw new UsageException("--sticky must be cookie or header:NAME");
            var upstreamTimeout = Faultline.Core.Contracts.AssumptionDocuments.ParseDuration(parse.GetValue(timeout)!) ?? throw new UsageException("--upstream-timeout must be a duration such as 30s");
            foreach (var (option, value) in new[] { ("--listen", parse.GetValue(listen)), ("--admin", parse.GetValue(admin)) })
            {
                if (value is not null && !CanarySpecReader.Endpoint(value))
                {
                    throw new UsageException($"{option} must be HOST:PORT, e.g. 127.0.0.1:8080 (got '{value}')");
                }
            }
            var options = new RouterOptions
            {
                Spec = new RouterSpec
                {
                    Listen = parse.GetValue(listen)!,
                    Admin = parse.GetValue(admin),
                    Stable = Urls("--stable", parse.GetValue(stable)!),
                    Canary = Urls("--canary", parse.GetValue(canary)!),
                    Sticky = stickySpec,
                    OverrideHeader = parse.GetValue(overrideHeader)!,
                    UpstreamTimeout = upstreamTimeout,
                },
                CanaryWeight = w,
            };
            using var interruption = CanaryRunCommand.Interrupts();
            return Task.Run(async () =>
            {
                RouterServer router;
                try
                {
                    router = await RouterServer.StartAsync(options);
                }
                catch (RouterException e)
                {
                    io.Stderr.WriteLine($"faultline: the router {e.Message}");
                    return ExitCodes.UsageOrInput;
                }
                await using (router)
                {
                    io.Stderr.WriteLine($"faultline: routing {100 - w}% to {string.Join(", ", options.Spec.Stable)} and {w}% to {string.Join(", ", options.Spec.Canary)} on {router.ListenUrl}" +
                        (router.AdminUrl is { } a ? $"; admin API on {a}" : "") + "; Ctrl+C stops");
                    try
                    {
                        await Task.Delay(Timeout.Infinite, interruption.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // stopped by a signal
                    }
                }
                return ExitCodes.Ok;
            }).GetAwaiter().GetResult();
        });
        return command;
    }

    private static List<Uri> Urls(string option, string[] values)
    {
        var urls = new List<Uri>();
        foreach (var text in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"{option}: '{text}' is not an http(s) URL");
            }
            urls.Add(uri);
        }
        return urls.Count > 0 ? urls : throw new UsageException($"{option} needs at least one URL");
    }
}
