using Faultline.Core.Contracts;
using Faultline.Core.Model;

namespace Faultline.Core.Rules;

/// <summary>The base and head of a change, and what is computed once from the pair for every rule that needs it.</summary>
public sealed class ChangeContext(SystemModel baseModel, SystemModel head)
{
    private IReadOnlyList<(ServiceInterface Base, ServiceInterface Head, ContractChange Change)>? _contractChanges;

    public SystemModel Base { get; } = baseModel;

    public SystemModel Head { get; } = head;

    /// <summary>Differences between the base and head spec of every interface present on both sides.</summary>
    public IReadOnlyList<(ServiceInterface Base, ServiceInterface Head, ContractChange Change)> ContractChanges =>
        _contractChanges ??= Head.Contracts.Interfaces
            .Select(h => (Head: h, Base: Base.Contracts.InterfaceOf(h.Service, h.Namespace)))
            .Where(p => p.Base is not null)
            .SelectMany(p => SpecDiff.Diff(p.Base!.Spec, p.Head.Spec).Select(c => (p.Base!, p.Head, c)))
            .ToList();
}
