namespace Faultline.Core.Rules.Contract;

/// <summary>The schema-change rules of change mode, one per kind of change.</summary>
internal static class ContractRules
{
    public static IEnumerable<Rule> All() =>
    [
        new ContractChangeRule("contract.operation-removed", "Operation removed",
            "An operation (method and path) that the base spec had is gone from the head spec.",
            "Keep the operation (deprecate it first, with a sunset date) until its consumers have moved.",
            "Callers of a removed operation get 404 or 405 for every request."),
        new ContractChangeRule("contract.response-field-removed", "Response field removed",
            "A field of a response body (or of a message sent on a topic), or a response header, is gone.",
            "Keep the field (deprecate it in the spec) until consumers that read it have stopped.",
            "A consumer that reads the field gets null or fails to deserialize; with lenient parsing it silently uses a default. " +
            "Response headers (OpenAPI 3 `responses.X.headers`, Swagger 2 `headers`) count as fields named `header NAME`, matched without regard to case."),
        new ContractChangeRule("contract.response-field-type-changed", "Response field type changed",
            "A response field or header has a different type (e.g. number became string).",
            "Add a new field with the new type and keep the old one until consumers have moved.",
            "Typed clients fail to deserialize; dynamic ones compute with the wrong kind of value. A response header whose schema type changed counts too."),
        new ContractChangeRule("contract.response-field-became-optional", "Response field became optional or nullable",
            "A response field that was required may now be absent or null.",
            "Keep the field required and non-null, or make sure every consumer handles its absence first.",
            "Consumers written against a required field dereference it without a check."),
        new ContractChangeRule("contract.response-enum-value-added", "Response enum value added",
            "A response enum has a new value that consumers have never seen.",
            "Tell consumers first, and make sure they treat unknown values safely (a default branch).",
            "Exhaustive switches and strict enum deserializers fail on the new value."),
        new ContractChangeRule("contract.response-status-removed", "Success status removed",
            "A success status code that the operation returned is gone.",
            "Keep returning the status, or move consumers to the new one first.",
            "Consumers that branch on the status treat every answer as an error."),
        new ContractChangeRule("contract.media-type-removed", "Media type removed",
            "A request or response media type is gone (e.g. application/json).",
            "Keep serving the media type until consumers have moved.",
            "Content negotiation fails with 406 or 415."),
        new ContractChangeRule("contract.request-field-became-required", "Request field became required",
            "The request now requires a field or parameter that it did not require before.",
            "Give the field a default on the server, or make it required only after every consumer sends it.",
            "Every consumer that does not send the field gets 400 for every request."),
        new ContractChangeRule("contract.request-field-type-changed", "Request field type changed",
            "A request field or parameter has a different type.",
            "Accept both types for a while, or add a new field.",
            "Requests that were valid are now rejected."),
        new ContractChangeRule("contract.request-enum-value-removed", "Request enum value removed",
            "A value that consumers could send in a request enum is no longer accepted.",
            "Keep accepting the value (map it to its replacement) until consumers have moved.",
            "Consumers that send the value get 400."),
        new ContractChangeRule("contract.request-constraint-narrowed", "Request constraint narrowed",
            "A request constraint is stricter (maxLength or maximum decreased, minimum raised, pattern added, ...).",
            "Widen the constraint again, or check that no consumer sends values outside the new bound.",
            "Requests that were valid are now rejected, often only for some users' data."),
    ];
}
