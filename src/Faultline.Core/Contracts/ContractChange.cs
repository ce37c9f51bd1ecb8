using Faultline.Core.Documents;

namespace Faultline.Core.Contracts;

public enum ChangeDirection
{
    Request,
    Response,
    Operation,
}

/// <summary>
/// One difference between a base and a head spec that can break a consumer. RuleId is the contract rule it
/// belongs to (contract.response-field-removed, ...). FieldPath is dotted from the body root ("amount.currency",
/// "items[].id"), or "param:query:limit" for parameters; empty for whole operations, statuses or media types.
/// </summary>
public sealed record ContractChange(
    string RuleId,
    string Operation,
    ChangeDirection Direction,
    string FieldPath,
    string? Status,
    string? MediaType,
    string Description,
    SourceLocation? BaseLocation,
    SourceLocation? HeadLocation);
