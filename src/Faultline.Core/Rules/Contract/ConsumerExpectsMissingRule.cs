using Faultline.Core.Contracts;
using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Contract;

internal sealed class ConsumerExpectsMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "contract.consumer-expects-missing",
        Severity.High,
        "Consumer expects what the provider does not offer",
        "A consumer (pact or faultline.yaml `reads`) relies on an operation or response field that the provider's current spec does not have.",
        "Add the operation or field to the provider (and its spec), or change the consumer; if the spec is out of date, fix the spec.",
        """
        Checked against the provider's current spec, with or without a base: every pact interaction and every
        faultline.yaml `consumes` entry with an `operation` must find that operation (path templates match concrete
        paths), and every field it reads must exist in a 2xx response schema of that operation (free-form objects
        accept any field). Readers of a topic (faultline.yaml `consumes: - topic: T, reads: [...]`) are checked against
        the message the provider sends on T (AsyncAPI, or a faultline.yaml `produces` schema). Providers without an
        attached spec are not checked, and HTTP expectations are not checked against a provider whose only spec
        describes messages.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var contracts = context.Model.Contracts;
        foreach (var e in contracts.Expectations)
        {
            if (e.Method is null || e.Path is null
                || contracts.Interfaces.FirstOrDefault(i => i.Service == e.Provider && (e.ProviderNamespace is null || i.Namespace == e.ProviderNamespace)) is not { } provider)
            {
                continue;
            }
            if (!e.IsMessage && !provider.Spec.DescribesHttp)
            {
                continue; // the provider has a message spec only: its HTTP API is unknown, not empty
            }
            var operation = provider.Spec.Operations.FirstOrDefault(o => e.Concerns(o.Method, o.Path, provider.Spec.BasePath));
            string message;
            string evidence;
            if (operation is null)
            {
                message = $"{e.Describe()}, but {provider.Service}'s spec has no such operation";
                evidence = $"spec {provider.Spec.Location}: {provider.Spec.Operations.Count} operations, none matches {e.Method} {e.Path}";
            }
            else
            {
                var schemas = operation.Responses.Where(r => r.Status.StartsWith('2') || operation.IsMessage).SelectMany(r => r.Content.Values).ToList();
                var missing = schemas.Count == 0 ? [] : e.Reads.Where(f => !schemas.Any(s => SchemaPaths.Has(s, f))).ToList();
                if (missing.Count == 0)
                {
                    continue;
                }
                message = operation.IsMessage
                    ? $"{e.Describe()} and reads {string.Join(", ", missing)}, which the messages on topic {ApiOperation.TopicOf(operation.Path)} do not have"
                    : $"{e.Describe()} and reads {string.Join(", ", missing)}, which no success response of {operation.Key} has";
                evidence = $"operation at {operation.Location}";
            }
            var service = context.Model.FindService(provider.Namespace, provider.Service);
            var finding = service is not null
                ? context.ForObject(service.Manifest, provider.Service, null, message, $"{e.Consumer} relies on it ({e.Origin.ToString().ToLowerInvariant()} {e.Location})", evidence)
                : new Finding
                {
                    RuleId = Info.Id,
                    Severity = Info.DefaultSeverity,
                    Service = provider.Service,
                    Namespace = provider.Namespace,
                    ResourceKind = "API",
                    ResourceName = provider.Spec.Title,
                    Location = e.Location,
                    Message = message,
                    Assumption = $"{e.Consumer} relies on it",
                    Evidence = evidence,
                    Remediation = Info.Remediation,
                };
            yield return finding with { Location = e.Location, Consumers = [e.Consumer], ReachesThroughConsumers = e.IsMessage };
        }
    }
}
