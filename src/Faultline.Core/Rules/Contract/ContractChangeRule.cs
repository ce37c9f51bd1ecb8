using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Contract;

/// <summary>
/// A schema change between the base and head spec of a provider, judged by who relies on it: high when a known
/// consumer reads (or must send) what changed, medium when the provider's consumers are unknown, info when
/// consumers are known and none of them relies on it. Only runs in change mode (check --base).
/// </summary>
internal sealed class ContractChangeRule(string id, string title, string description, string remediation, string documentation) : Rule
{
    private const string Common = """

        Severity follows the consumers: high when a known consumer (a pact, a faultline.yaml `consumes` entry with
        `reads`/`sends`, or a Backstage consumesApis) relies on what changed, medium when no consumer of the provider
        is known, info when consumers are known and none relies on it. Runs only with `--base`.
        """;

    public override RuleInfo Info { get; } = new(id, Severity.High, title, description, remediation, documentation.TrimEnd() + "\n" + Common);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        if (context.Change is not { } change)
        {
            yield break;
        }
        foreach (var (_, head, c) in change.ContractChanges)
        {
            if (c.RuleId != Info.Id)
            {
                continue;
            }
            var (severity, relying, why) = Judge(WithFormerReaders(change, context.Model.Contracts, c), head, c);
            var service = context.Model.FindService(head.Namespace, head.Service);
            var location = c.HeadLocation ?? c.BaseLocation ?? head.DeclaredAt;
            var finding = service is not null
                ? context.ForObject(service.Manifest, head.Service, null, Message(head, c, why), Assumption(c, relying), Evidence(c), severity)
                : new Finding
                {
                    RuleId = Info.Id,
                    Severity = severity,
                    Service = head.Service,
                    Namespace = head.Namespace,
                    ResourceKind = "API",
                    ResourceName = head.Spec.Title,
                    Location = location,
                    Message = Message(head, c, why),
                    Assumption = Assumption(c, relying),
                    Evidence = Evidence(c),
                    Remediation = Info.Remediation,
                };
            var consumers = relying.Select(r => r.Consumer).Distinct().ToList();
            yield return finding with { Location = location, Consumers = consumers, ReachesThroughConsumers = IsMessage(c) };
        }
    }

    /// <summary>
    /// A channel the producer no longer sends leaves no link to its readers in the head model (readers are
    /// found through what the producer sends), so for a removed operation the base model's readers of a topic
    /// count when they still read it in the head.
    /// </summary>
    private static ContractSet WithFormerReaders(ChangeContext change, ContractSet contracts, ContractChange c)
    {
        if (c.RuleId != SpecDiff.RuleIds.OperationRemoved || MethodOf(c) != ApiOperation.Send)
        {
            return contracts;
        }
        var reading = TopicReader.Of(change.Head.Contracts.Assumptions, change.Head.Contracts.Interfaces).Select(r => (r.Service, r.Topic)).ToHashSet();
        bool StillReads(ConsumerExpectation e)
        {
            var sent = change.Base.Contracts.Interfaces.Where(i => i.Service == e.Provider).SelectMany(i => i.Spec.Operations)
                .FirstOrDefault(o => o.Method == ApiOperation.Send && o.Path == e.Path);
            return (sent?.TopicNames() ?? [ApiOperation.TopicOf(e.Path!)]).Any(name => reading.Contains((e.Consumer, name)));
        }
        var former = change.Base.Contracts.Expectations
            .Where(e => e.Method == ApiOperation.Send && e.Path is not null && !contracts.Expectations.Contains(e) && StillReads(e))
            .ToList();
        return former.Count == 0 ? contracts : contracts with { Expectations = [.. contracts.Expectations, .. former] };
    }

    /// <summary>Message operations are named by their topic in the description, so the "SEND /topic" key is left out.</summary>
    private static string Message(ServiceInterface head, ContractChange c, string why) =>
        IsMessage(c) ? $"{head.Service}: {c.Description}; {why}" : $"{head.Service}: {c.Operation}: {c.Description}; {why}";

    private static string MethodOf(ContractChange c) => c.Operation[..Math.Max(0, c.Operation.IndexOf(' '))];

    private static bool IsMessage(ContractChange c) => ApiOperation.IsMessageMethod(MethodOf(c));

    private static string Assumption(ContractChange c, IReadOnlyList<ConsumerExpectation> relying) =>
        relying.Count == 0
            ? IsMessage(c)
                ? $"{(MethodOf(c) == ApiOperation.Send ? "readers of" : "producers to")} topic {ApiOperation.TopicOf(c.Operation[(c.Operation.IndexOf(' ') + 1)..])} keep working after the change"
                : $"consumers of {c.Operation} keep working after the change"
            : string.Join("; ", relying.Select(r => $"{r.Describe()} ({r.Origin.ToString().ToLowerInvariant()} {r.Location})"));

    private static string Evidence(ContractChange c) =>
        $"base {c.BaseLocation?.ToString() ?? "-"}, head {c.HeadLocation?.ToString() ?? "-"}" + (c.FieldPath.Length > 0 ? $", field {c.FieldPath}" : "");

    /// <summary>Who relies on the change, and how severe that makes it.</summary>
    internal static (Severity Severity, IReadOnlyList<ConsumerExpectation> Relying, string Why) Judge(ContractSet contracts, ServiceInterface provider, ContractChange c)
    {
        var space = c.Operation.IndexOf(' ');
        var method = space > 0 ? c.Operation[..space] : c.Operation;
        var path = space > 0 ? c.Operation[(space + 1)..] : "";
        var consumers = contracts.Expectations.Where(e => e.Provider == provider.Service && (e.ProviderNamespace is null || e.ProviderNamespace == provider.Namespace)).ToList();
        if (consumers.Count == 0)
        {
            return (Severity.Medium, [], "no consumer of this API is known, so any client may break");
        }
        var calling = consumers.Where(e => e.Concerns(method, path, provider.Spec.BasePath)).ToList();
        var relying = c.Direction switch
        {
            ChangeDirection.Request when c.RuleId == "contract.request-field-became-required" && c.FieldPath.Length == 0 => calling.Where(e => e.Sends.Count == 0).ToList(),
            ChangeDirection.Response when c.FieldPath.Length > 0 => calling.Where(e => e.ReadsField(c.FieldPath)).ToList(),
            ChangeDirection.Request when c.RuleId == "contract.request-field-became-required" => calling.Where(e => !e.SendsField(c.FieldPath)).ToList(),
            ChangeDirection.Request when c.FieldPath.Length > 0 => calling.Where(e => e.SendsField(c.FieldPath)).ToList(),
            _ => calling,
        };
        // Readers of a topic (SEND) or senders to one (RECEIVE) rarely list fields: they handle the whole message.
        var whole = calling.Where(e => e.IsMessage && e.Reads.Count == 0 && e.Sends.Count == 0).Select(e => e.Consumer).Distinct().ToList();
        if (relying.Count == 0 && whole.Count > 0)
        {
            return (Severity.Medium, [], $"{string.Join(", ", whole)} handle{(whole.Count == 1 ? "s" : "")} these messages without saying which fields");
        }
        if (relying.Count > 0)
        {
            return (Severity.High, relying, $"{string.Join(", ", relying.Select(r => r.Consumer).Distinct())} rel{(relying.Select(r => r.Consumer).Distinct().Count() == 1 ? "ies" : "y")} on it");
        }
        var unspecific = consumers.Where(e => e.Method is null).ToList();
        if (unspecific.Count > 0)
        {
            return (Severity.Medium, [], $"{string.Join(", ", unspecific.Select(r => r.Consumer).Distinct())} use{(unspecific.Select(r => r.Consumer).Distinct().Count() == 1 ? "s" : "")} this API without saying which operations");
        }
        return (Severity.Info, [], "no known consumer relies on it");
    }
}
