using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Faultline.Cli.Canary;
using Faultline.Cli.Rendering;
using Faultline.Core.Canary;
using Faultline.Core.Documents;
using Faultline.Integrations.Storage;
using Faultline.Router;
using Faultline.Sources.Canary;

namespace Faultline.Cli.Commands;

/// <summary>`faultline canary run` and `faultline canary status`: rollouts through the embedded router, state in a store.</summary>
internal static class CanaryRunCommand
{
    public const string DefaultStore = ".faultline/state.db";

    public static Option<string> StoreOption() => new("--store")
    {
        Description = $"Where rollout state lives: a SQLite file, sqlite:PATH, or postgres:CONNSTRING (default {DefaultStore}).",
        DefaultValueFactory = _ => DefaultStore,
    };

    public static Command Run(ConsoleIo io)
    {
        var file = new Argument<string>("rollout") { Description = "The rollout file (kind: Rollout)." };
        var store = StoreOption();
        var format = new Option<string>("--format", "-f") { Description = "Progress: text (a live view on a terminal, lines otherwise) or json (one event per line).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var keep = new Option<bool>("--keep-routing") { Description = "After the rollout ends, keep the router serving at the final weights until interrupted." };
        var command = new Command("run", "Shift traffic step by step through the embedded router, judge each step, promote or roll back; exit 0 completed, 1 rolled back, 3 paused, 2 bad input.")
        {
            file, store, format, keep,
        };
        command.SetAction(parse =>
        {
            var spec = LoadRollout(io, parse.GetValue(file)!);
            if (spec is null)
            {
                return ExitCodes.UsageOrInput;
            }
            var reporter = Reporter(io, parse.GetValue(format)!);
            using var cancel = Interrupts();
            return WithStore(parse.GetValue(store)!, async eventStore =>
            {
                using var http = new HttpClient();
                var runner = new RolloutRunner(spec, eventStore, reporter, TimeProvider.System, http) { KeepRouting = parse.GetValue(keep) };
                try
                {
                    var outcome = await runner.RunAsync(cancel.Token);
                    return Exit(outcome);
                }
                catch (RouterException e)
                {
                    io.Stderr.WriteLine($"faultline: {spec.File}: the router {e.Message}");
                    return ExitCodes.UsageOrInput;
                }
                catch (RolloutConflictException e)
                {
                    io.Stderr.WriteLine($"faultline: {e.Message}");
                    return ExitCodes.Undecided;
                }
            }, io);
        });
        return command;
    }

    public static Command Status(ConsoleIo io)
    {
        var name = new Argument<string?>("name") { Description = "A rollout's name (all rollouts when left out).", Arity = ArgumentArity.ZeroOrOne };
        var store = StoreOption();
        var format = new Option<string>("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("status", "Show the stored state of rollouts: phase, step, weight, last decision.") { name, store, format };
        command.SetAction(parse => WithStore(parse.GetValue(store)!, async eventStore =>
        {
            var wanted = parse.GetValue(name);
            var streams = (await eventStore.ListStreamsAsync("rollout/")).Where(s => wanted is null || s.Stream == RolloutEventJson.Stream(wanted)).ToList();
            if (wanted is not null && streams.Count == 0)
            {
                io.Stderr.WriteLine($"faultline: no rollout named '{wanted}' in {eventStore.Description}");
                return ExitCodes.UsageOrInput;
            }
            var states = new List<(string Name, RolloutState State)>();
            foreach (var s in streams)
            {
                var events = (await eventStore.ReadAsync(s.Stream)).Select(RolloutEventJson.Read).ToList();
                states.Add((s.Stream["rollout/".Length..], RolloutState.Replay(events)));
            }
            io.Stdout.Write(parse.GetValue(format) == "json" ? StatusJson(states) : StatusText(states, eventStore.Description));
            return ExitCodes.Ok;
        }, io, create: false));
        return command;
    }

    private static string StatusText(List<(string Name, RolloutState State)> states, string store)
    {
        if (states.Count == 0)
        {
            return $"no rollouts in {store}\n";
        }
        var rows = new List<string[]> { new[] { "rollout", "phase", "step", "weight", "looks", "updated", "last decision" } };
        foreach (var (name, s) in states)
        {
            rows.Add(
            [
                name,
                Phase(s.Phase),
                (s.Step + 1).ToString(CultureInfo.InvariantCulture),
                s.Weight + "%",
                s.Looks.Count.ToString(CultureInfo.InvariantCulture),
                s.UpdatedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-",
                s.Reason ?? (s.LastDecision is { } d ? $"{d.Action.ToString().ToLowerInvariant()}: {d.Summary}" : "-"),
            ]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return string.Concat(rows.Select(r => string.Join("  ", r.Select((cell, c) => c == r.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd() + "\n"));
    }

    private static string StatusJson(List<(string Name, RolloutState State)> states) => JsonText.Document(w =>
    {
        w.WriteStartArray("rollouts");
        foreach (var (name, s) in states)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("phase", Phase(s.Phase));
            w.WriteNumber("step", s.Step);
            w.WriteNumber("weight", s.Weight);
            w.WriteNumber("looksInStep", s.Looks.Count);
            w.WriteNumber("events", s.Events);
            w.WriteString("updatedAt", s.UpdatedAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            if (s.LastDecision is { } d)
            {
                w.WriteStartObject("lastDecision");
                w.WriteNumber("step", d.Step);
                w.WriteString("verdict", JudgeReport.Name(d.Verdict));
                w.WriteString("action", d.Action.ToString().ToLowerInvariant());
                w.WriteString("summary", d.Summary);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("lastDecision");
            }
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static string Phase(RolloutPhase phase) => phase switch
    {
        RolloutPhase.NotStarted => "not-started",
        RolloutPhase.RollingBack => "rolling-back",
        RolloutPhase.RolledBack => "rolled-back",
        _ => phase.ToString().ToLowerInvariant(),
    };

    public static int Exit(RolloutOutcome outcome) => outcome switch
    {
        RolloutOutcome.Completed => ExitCodes.Ok,
        RolloutOutcome.RolledBack => ExitCodes.Findings,
        _ => ExitCodes.Undecided,
    };

    public static RolloutSpec? LoadRollout(ConsoleIo io, string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{path} is a folder; give the rollout file");
        }
        if (!File.Exists(path))
        {
            throw new UsageException($"{path} does not exist");
        }
        var diagnostics = new List<InputDiagnostic>();
        var spec = CanarySpecReader.ReadRollout(path, diagnostics);
        if (spec is null || diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
        {
            Inputs.PrintDiagnostics(io, diagnostics, verbose: false);
            io.Stderr.WriteLine("faultline: the rollout file has errors; fix them and run again.");
            return null;
        }
        return spec;
    }

    public static IRolloutReporter Reporter(ConsoleIo io, string format) => format switch
    {
        "json" => new JsonRolloutReporter(io.Stdout, TimeProvider.System),
        _ when ReferenceEquals(io.Stdout, Console.Out) && !Console.IsOutputRedirected => new LiveRolloutReporter(io.Stdout, TimeProvider.System),
        _ => new PlainRolloutReporter(io.Stdout, TimeProvider.System),
    };

    /// <summary>Cancelled on Ctrl+C or SIGTERM, so a rollout stops cleanly (stored as paused) instead of dying mid-write.</summary>
    public static Interruption Interrupts() => new();

    /// <summary>Opens and migrates the store, runs the work, closes the store; store failures exit 3 with the reason.</summary>
    public static int WithStore(string spec, Func<IEventStore, Task<int>> work, ConsoleIo io, bool create = true)
    {
        if (create && !spec.Contains(':', StringComparison.Ordinal) && Path.GetDirectoryName(Path.GetFullPath(spec)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        else if (!create && !spec.Contains(':', StringComparison.Ordinal) && !File.Exists(spec))
        {
            io.Stderr.WriteLine($"faultline: no store at {spec} (nothing has run here yet, or give --store)");
            return ExitCodes.UsageOrInput;
        }
        return Task.Run(async () =>
        {
            IEventStore store;
            try
            {
                store = EventStores.Open(spec);
                await store.MigrateAsync();
            }
            catch (StoreException e)
            {
                io.Stderr.WriteLine($"faultline: {e.Message}");
                return ExitCodes.Undecided;
            }
            await using (store)
            {
                try
                {
                    return await work(store);
                }
                catch (StoreException e)
                {
                    io.Stderr.WriteLine($"faultline: the store failed: {e.Message}");
                    return ExitCodes.Undecided;
                }
            }
        }).GetAwaiter().GetResult();
    }
}

/// <summary>A cancellation that Ctrl+C and SIGTERM trigger, for as long as it lives.</summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _interrupt;

    public Interruption()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
    }

    public CancellationToken Token => _source.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _source.Cancel();
    }

    public void Dispose()
    {
        _term.Dispose();
        _interrupt.Dispose();
        _source.Dispose();
    }
}
