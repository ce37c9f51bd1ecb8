using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;
using Xunit.Abstractions;

namespace Faultline.Core.Tests.Contracts;

/// <summary>
/// Replays oasdiff's own test pairs (oasdiff/EXPECTED.json) through Faultline's reader and diff, and checks each
/// asserted oasdiff id against the rule that oasdiff/MAPPING.md maps it to: a "fires" id must give the rule, a
/// "silent" id must not. Prints the agreement per id; fails when agreement drops below what was reached, or when a
/// pair disagrees that is not listed below with its reason.
/// </summary>
public sealed partial class OasdiffConformanceTests(ITestOutputHelper output)
{
    /// <summary>The number of replayed pairs that agreed when this was last raised; it may only go up.</summary>
    private const int AgreedAtLeast = 64;

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Contracts", "oasdiff");

    /// <summary>Entries that the files cannot reproduce.</summary>
    private static readonly Dictionary<string, string> NotReplayable = new(StringComparer.Ordinal)
    {
        ["TestResponseSuccessStatusAdded"] = "base and revision are the same file: the Go test edits the responses in code (the mutated flag missed it)",
        ["TestResponseSuccessStatusRemoved"] = "base and revision are the same file: the Go test edits the responses in code (the mutated flag missed it)",
        ["TestResponseNonSuccessStatusRemoved"] = "base and revision are the same file: the Go test edits the responses in code (the mutated flag missed it)",
    };

    /// <summary>Pairs where Faultline knowingly differs from oasdiff, and why it keeps its answer.</summary>
    private static readonly Dictionary<string, string> KnownDisagreements = new(StringComparer.Ordinal)
    {
        ["TestRequestBodyTypeLooselyTypedCompatible"] =
            "application/xml body from object to string: oasdiff calls XML bodies loosely typed and the change compatible; "
            + "Faultline compares the declared JSON Schema types whatever the media type, and a client that sends XML elements "
            + "where the provider now reads a plain string is broken",
        ["TestResponseBodyTypeLooselyTypedCompatible"] =
            "application/xml body from string to object: same reason as the request case; a consumer that read the body as "
            + "text now gets nested elements",
    };

    private sealed record Entry(string Test, string Base, string Revision, bool Mutated, IReadOnlyList<string> Ids);

    private sealed record Mapping(string OasdiffId, string RuleId, bool Fires);

    [GeneratedRegex(@"^\|\s*`(?<id>[^`]+)`\s*\|\s*`(?<rule>[^`]+)`\s*\|\s*(?<expect>fires|silent)\s*\|")]
    private static partial Regex MappingRow();

    private static Dictionary<string, Mapping> ReadMapping()
    {
        var result = new Dictionary<string, Mapping>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Root, "MAPPING.md")))
        {
            var m = MappingRow().Match(line);
            if (m.Success)
            {
                Assert.True(result.TryAdd(m.Groups["id"].Value, new Mapping(m.Groups["id"].Value, m.Groups["rule"].Value, m.Groups["expect"].Value == "fires")),
                    $"MAPPING.md maps {m.Groups["id"].Value} twice");
            }
        }
        return result;
    }

    private static List<Entry> ReadEntries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "EXPECTED.json")));
        return
        [
            .. json.RootElement.EnumerateArray().Select(e => new Entry(
                e.GetProperty("test").GetString()!,
                e.GetProperty("base").GetString()!,
                e.GetProperty("rev").GetString()!,
                e.GetProperty("mutated").GetBoolean(),
                [.. e.GetProperty("ids").EnumerateArray().Select(i => i[0].GetString()!)])),
        ];
    }

    private static ApiSpec ReadSpec(string relative)
    {
        var diagnostics = new List<InputDiagnostic>();
        var spec = OpenApiReader.Read(Path.Combine(Root, "data", relative), diagnostics);
        Assert.True(spec is not null && diagnostics.All(d => d.Level != DiagnosticLevel.Error), $"{relative}: {string.Join("; ", diagnostics)}");
        return spec;
    }

    [Fact]
    public void Mapping_EveryRow_NamesAFaultlineRule()
    {
        var mapping = ReadMapping();

        Assert.True(mapping.Count > 100, "MAPPING.md has too few rows; is the table format intact?");
        Assert.All(mapping.Values, m => Assert.Contains(m.RuleId, SpecDiff.RuleIds.All));
        Assert.All(SpecDiff.RuleIds.All, rule => Assert.Contains(mapping.Values, m => m.RuleId == rule && m.Fires));
    }

    [Fact]
    public void Replay_OasdiffPairs_AgreeWithTheMappedRules()
    {
        var mapping = ReadMapping();
        var perId = new SortedDictionary<string, (int Pairs, int Agreed)>(StringComparer.Ordinal);
        var disagreements = new List<(string Test, string Why)>();
        int replayed = 0, agreed = 0, skipped = 0;
        foreach (var entry in ReadEntries().Where(e => !e.Mutated))
        {
            var mapped = entry.Ids.Where(mapping.ContainsKey).Distinct().Select(id => mapping[id]).ToList();
            if (mapped.Count == 0)
            {
                continue;
            }
            if (NotReplayable.ContainsKey(entry.Test))
            {
                Assert.Equal(entry.Base, entry.Revision);
                skipped++;
                continue;
            }
            replayed++;
            var rules = SpecDiff.Diff(ReadSpec(entry.Base), ReadSpec(entry.Revision)).Select(c => c.RuleId).ToHashSet(StringComparer.Ordinal);
            var mustFire = mapped.Where(m => m.Fires).Select(m => m.RuleId).ToHashSet(StringComparer.Ordinal);
            var problems = new List<string>();
            foreach (var m in mapped)
            {
                var ok = m.Fires ? rules.Contains(m.RuleId) : mustFire.Contains(m.RuleId) || !rules.Contains(m.RuleId);
                if (!ok)
                {
                    problems.Add(m.Fires ? $"{m.OasdiffId}: expected {m.RuleId}" : $"{m.OasdiffId}: {m.RuleId} should stay silent");
                }
                var (pairs, agreedPairs) = perId.GetValueOrDefault(m.OasdiffId);
                perId[m.OasdiffId] = (pairs + 1, agreedPairs + (ok ? 1 : 0));
            }
            if (problems.Count == 0)
            {
                agreed++;
            }
            else
            {
                disagreements.Add((entry.Test, $"{entry.Base} -> {entry.Revision}: {string.Join("; ", problems)}; Faultline reported [{string.Join(", ", rules.Order())}]"));
            }
        }

        var table = new StringBuilder();
        table.AppendLine($"{"oasdiff id",-52} {"Faultline rule",-42} {"expect",-6} {"pairs",5} {"agreed",6}");
        foreach (var (id, (pairs, agreedPairs)) in perId)
        {
            table.AppendLine($"{id,-52} {mapping[id].RuleId,-42} {(mapping[id].Fires ? "fires" : "silent"),-6} {pairs,5} {agreedPairs,6}");
        }
        table.AppendLine();
        table.AppendLine($"pairs replayed: {replayed}, agreed: {agreed}, disagreed: {disagreements.Count}, not replayable: {skipped}");
        foreach (var (test, why) in disagreements)
        {
            table.AppendLine($"disagreement {test}: {why}");
            table.AppendLine($"  known because: {KnownDisagreements.GetValueOrDefault(test, "NOT KNOWN")}");
        }
        foreach (var (test, why) in NotReplayable)
        {
            table.AppendLine($"not replayable {test}: {why}");
        }
        output.WriteLine(table.ToString());

        Assert.True(disagreements.All(d => KnownDisagreements.ContainsKey(d.Test)),
            "new disagreements with oasdiff (fix the diff, or list the pair with its reason):\n"
            + string.Join("\n", disagreements.Where(d => !KnownDisagreements.ContainsKey(d.Test)).Select(d => $"{d.Test}: {d.Why}")));
        Assert.True(KnownDisagreements.Keys.All(k => disagreements.Any(d => d.Test == k)),
            "a listed disagreement now agrees; remove it from KnownDisagreements and raise AgreedAtLeast");
        Assert.True(agreed >= AgreedAtLeast, $"agreement dropped: {agreed} pairs agree, at least {AgreedAtLeast} did");
    }
}
