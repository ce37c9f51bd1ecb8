using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Faultline.Core.Judge;
using Faultline.Integrations.Storage;
using Faultline.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Faultline.Server.Analyses;

/// <summary>The answer to a look: the analysis as it stands after it, and the verdict with its explanation.</summary>
internal sealed record LookOutcome(AnalysisState State, JudgeResult Result, bool Looked, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>A request the caller got wrong (HTTP 400/404/409), with the words to say so.</summary>
internal sealed class AnalysisRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Creates analyses and takes looks. A look runs under the stream's lock (so two replicas never read one
/// interval twice), reads the arms from the last look's end to now, and stores the look before the verdict is
/// returned; a replica that lost a race re-reads the stream and tries again. Each replica keeps the judge of
/// every analysis it served and only replays the events it has not seen.
/// </summary>
internal sealed partial class AnalysisService(IEventStore store, IAnalysisEngine engine, TimeProvider clock, ServerTelemetry telemetry, ILogger<AnalysisService> log)
{
    /// <summary>Looks closer together than this answer from the last one instead of reading a sliver of data.</summary>
    public static readonly TimeSpan MinLookSpan = TimeSpan.FromSeconds(1);

    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<string, AnalysisState> _states = new(StringComparer.Ordinal);

    public static string Stream(string name) => "analysis/" + name;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex NamePattern();

    public static string? NameProblem(string? name) => name is null || !NamePattern().IsMatch(name)
        ? $"the analysis name must be 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit (got '{name}')"
        : null;

    /// <summary>Creates the analysis, or starts a new generation when the name exists with another definition; true when something was written.</summary>
    public async Task<(AnalysisState State, bool Written)> CreateAsync(string name, string definition, CancellationToken cancel)
    {
        if (NameProblem(name) is { } problem)
        {
            throw new AnalysisRequestException(400, problem);
        }
        var problems = new List<string>();
        if (engine.Plan(definition, problems) is null)
        {
            throw new AnalysisRequestException(400, $"analysis '{name}': {string.Join("; ", problems)}");
        }
        var canonical = Canonical(definition);
        return await store.WithStreamLockAsync(Stream(name), async ct =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var state = await RefreshAsync(name, ct);
                if (state.Definition is { } existing && Canonical(existing) == canonical)
                {
                    return (state, false);
                }
                var data = new JsonObject
                {
                    ["definition"] = JsonNode.Parse(definition),
                    ["at"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                };
                try
                {
                    await store.AppendAsync(Stream(name), state.Version, [new NewEvent(AnalysisState.Created, data.ToJsonString())], ct);
                }
                catch (StreamConflictException) when (attempt < MaxAttempts)
                {
                    continue;
                }
                state = await RefreshAsync(name, ct);
                LogCreated(log, name, state.Generation);
                return (state, true);
            }
        }, cancel);
    }

    public async Task<IReadOnlyList<StreamInfo>> ListAsync(CancellationToken cancel) => await store.ListStreamsAsync("analysis/", cancel);

    /// <summary>
    /// Takes a look and returns the verdict. With a <paramref name="checksum"/> (Flagger's canary revision)
    /// different from the one the analysis is judging, a new generation starts first.
    /// </summary>
    public async Task<LookOutcome> LookAsync(string name, string? checksum, CancellationToken cancel, bool explain = true)
    {
        if (NameProblem(name) is { } problem)
        {
            throw new AnalysisRequestException(400, problem);
        }
        var started = Stopwatch.GetTimestamp();
        var outcome = await store.WithStreamLockAsync(Stream(name), ct => LookLockedAsync(name, checksum, explain, ct), cancel);
        if (outcome.Looked)
        {
            telemetry.Look(Stopwatch.GetElapsedTime(started), outcome.Result.Verdict);
            LogLook(log, name, outcome.State.Generation, outcome.Result.Looks, Name(outcome.Result.Verdict));
        }
        return outcome;
    }

    private async Task<LookOutcome> LookLockedAsync(string name, string? checksum, bool explain, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await RefreshAsync(name, cancel);
            if (!state.Exists)
            {
                throw new AnalysisRequestException(404, $"no analysis named '{name}'; create it with POST /api/v1/analyses");
            }
            try
            {
                if (checksum is not null && checksum != state.Checksum)
                {
                    var data = new JsonObject { ["checksum"] = checksum, ["at"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
                    await store.AppendAsync(Stream(name), state.Version, [new NewEvent(AnalysisState.Restarted, data.ToJsonString())], cancel);
                    LogRestarted(log, name, checksum);
                    state = await RefreshAsync(name, cancel);
                }
                if (state.Broken is { } broken)
                {
                    throw new InvalidOperationException(broken);
                }
                var plan = state.Plan!;
                var to = clock.GetUtcNow() - plan.Lag;
                var from = state.WindowStart;
                if (to - from < MinLookSpan)
                {
                    return new LookOutcome(state, state.Result(explain), false, null, null);
                }
                var look = await plan.Source.ReadAsync(from, to, cancel);
                var record = new LookRecord(from, to, look.Baseline, look.Canary, look.Missing);
                await store.AppendAsync(Stream(name), state.Version, [new NewEvent(AnalysisState.Look, LookRecords.Write(record))], cancel);
                state = await RefreshAsync(name, cancel);
                return new LookOutcome(state, state.Result(explain), true, from, to);
            }
            catch (StreamConflictException e) when (attempt < MaxAttempts)
            {
                // Another writer (a create, or a replica that ignored the lock) moved the stream: re-read and look again.
                LogConflict(log, name, e.Expected, e.Actual);
            }
        }
    }

    /// <summary>Brings this replica's state of the analysis up to the stream's last event.</summary>
    private async Task<AnalysisState> RefreshAsync(string name, CancellationToken cancel)
    {
        var state = _states.GetOrAdd(name, n => new AnalysisState(n, engine));
        var events = await store.ReadAsync(Stream(name), state.Version, cancel);
        foreach (var e in events)
        {
            state.Apply(e.Version, e.Kind, e.Data);
        }
        return state;
    }

    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement);
    }

    public static string Name(Verdict verdict) => verdict.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "analysis {Analysis} created (generation {Generation})")]
    private static partial void LogCreated(ILogger logger, string analysis, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "analysis {Analysis} look {Looks} of generation {Generation}: {Verdict}")]
    private static partial void LogLook(ILogger logger, string analysis, int generation, int looks, string verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "analysis {Analysis} restarted for canary revision {Checksum}")]
    private static partial void LogRestarted(ILogger logger, string analysis, string checksum);

    [LoggerMessage(Level = LogLevel.Warning, Message = "analysis {Analysis}: another writer moved the stream from {Expected} to {Actual}; looking again")]
    private static partial void LogConflict(ILogger logger, string analysis, long expected, long actual);
}
