using System.CommandLine;
using Faultline.Cli.Canary;
using Faultline.Core.Canary;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;

namespace Faultline.Cli.Commands;

/// <summary>
/// `faultline canary demo`: two local versions of a sample service, the router in front, a load generator,
/// and a rollout judged live, in under a minute. The canary is regressed unless --healthy.
/// </summary>
internal static class CanaryDemoCommand
{
    public static Command Create(ConsoleIo io)
    {
        var regression = new Option<string>("--regression") { Description = "How the canary is worse: latency (30% slower) or errors (3% of requests fail).", DefaultValueFactory = _ => "latency" };
        regression.AcceptOnlyFromAmong("latency", "errors");
        var healthy = new Option<bool>("--healthy") { Description = "A canary as good as stable: the rollout completes." };
        var format = new Option<string>("--format", "-f") { Description = "Progress: text or json (one event per line).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("demo", "Watch a rollout on your machine: two versions of a sample service, the router, load, and the judge; exit 1 when it rolls back, 0 when it completes.")
        {
            regression, healthy, format,
        };
        command.SetAction(parse =>
        {
            var reporter = CanaryRunCommand.Reporter(io, parse.GetValue(format)!);
            var isHealthy = parse.GetValue(healthy);
            var kind = parse.GetValue(regression)!;
            using var interruption = CanaryRunCommand.Interrupts();
            return Task.Run(() => RunAsync(io, reporter, isHealthy, kind, interruption.Token)).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(ConsoleIo io, IRolloutReporter reporter, bool healthy, string regression, CancellationToken cancel)
    {
        await using var stable = await DemoService.StartAsync("stable");
        await using var canary = await DemoService.StartAsync("canary");
        stable.ErrorShare = 0.002;
        canary.ErrorShare = 0.002;
        if (!healthy && regression == "latency")
        {
            canary.MedianMs *= 1.3;
        }
        else if (!healthy)
        {
            canary.ErrorShare = 0.03;
        }
        var what = healthy ? "as good as stable" : regression == "latency" ? "30% slower than stable" : "failing 3% of requests";
        reporter.Note($"demo: stable on {stable.Url}, canary on {canary.Url} ({what})");
        var spec = Spec(stable.Url, canary.Url);
        await using var store = new MemoryEventStore();
        using var http = new HttpClient();
        var routerReady = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = new RouterWatch(reporter, routerReady);
        var runner = new RolloutRunner(spec, store, watching, TimeProvider.System, http);
        var run = runner.RunAsync(cancel);
        var first = await Task.WhenAny(run, routerReady.Task);
        if (first == run)
        {
            return CanaryRunCommand.Exit(await run);
        }
        await using (var load = new LoadGenerator(await routerReady.Task, concurrency: 12))
        {
            var outcome = await run;
            reporter.Note($"demo: the load generator sent {load.Sent:N0} requests; {load.Failed:N0} got a 5xx or no answer");
            return CanaryRunCommand.Exit(outcome);
        }
    }

    /// <summary>The demo's rollout: two steps, a look every second, tolerances a demo can decide within a minute.</summary>
    internal static RolloutSpec Spec(Uri stable, Uri canary) => new()
    {
        Name = "demo",
        File = "(demo)",
        Router = new RouterSpec { Listen = "127.0.0.1:0", Stable = [stable], Canary = [canary] },
        Steps =
        [
            new RolloutStep(20, 400, TimeSpan.FromSeconds(25)),
            new RolloutStep(50, 800, TimeSpan.FromSeconds(25)),
        ],
        Judge = new JudgeSettings
        {
            Metrics =
            [
                new ErrorRateMetric("errors", 0.01, 0, StatusSet.Default),
                new LatencyMetric("latency.median", 0.5, 0.10),
                new LatencyMetric("latency.p95", 0.95, 0.20),
            ],
        },
        Interval = TimeSpan.FromSeconds(1),
        OnHold = HoldAction.Rollback,
    };

    /// <summary>Passes everything on, and tells the demo where the router listens once it does.</summary>
    private sealed class RouterWatch(IRolloutReporter inner, TaskCompletionSource<Uri> ready) : IRolloutReporter
    {
        public void Opened(RolloutSpec spec, RolloutState state) => inner.Opened(spec, state);

        public void RouterStarted(Uri listen, Uri? admin)
        {
            inner.RouterStarted(listen, admin);
            ready.TrySetResult(listen);
        }

        public void StepStarted(RolloutSpec spec, RolloutState state) => inner.StepStarted(spec, state);

        public void Looked(RolloutSpec spec, RolloutState state, JudgeResult result, TimeSpan stepElapsed) => inner.Looked(spec, state, result, stepElapsed);

        public void Decided(RolloutState state, Decided decision) => inner.Decided(state, decision);

        public void Finished(RolloutState state, RolloutOutcome outcome) => inner.Finished(state, outcome);

        public void Note(string message) => inner.Note(message);
    }
}
