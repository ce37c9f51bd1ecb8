using Faultline.Core.Rules.Api;
using Faultline.Core.Rules.Availability;
using Faultline.Core.Rules.Images;
using Faultline.Core.Rules.Probes;
using Faultline.Core.Rules.Reference;
using Faultline.Core.Rules.Resources;

namespace Faultline.Core.Rules;

internal static class BuiltinRules
{
    public static IEnumerable<Rule> All() =>
        Kubernetes().Concat(Contract.ContractRules.All()).Append(new Contract.ConsumerExpectsMissingRule()).Concat(Resilience());

    private static IEnumerable<Rule> Resilience() =>
    [
        new Resilience.TimeoutCallerShorterThanCalleeRule(),
        new Resilience.TimeoutPerTryExceedsTotalRule(),
        new Resilience.TimeoutMissingRule(),
        new Resilience.RetryAmplificationRule(),
        new Resilience.RetryNonIdempotentRule(),
        new Resilience.OrderingPartitionsChangedRule(),
        new Resilience.OrderingKeyChangedRule(),
        new Resilience.OrderingKeyNotProducedRule(),
    ];

    private static IEnumerable<Rule> Kubernetes() =>
    [
        new UnknownServiceRule(),
        new PortMismatchRule(),
        new SelectorMatchesNothingRule(),
        new TargetPortMissingRule(),
        new ReadinessMissingRule(),
        new LivenessIdenticalToReadinessRule(),
        new LivenessChecksDependencyRule(),
        new PortNotExposedRule(),
        new StartupTooShortRule(),
        new RequestsMissingRule(),
        new MemoryLimitMissingRule(),
        new LimitBelowRequestRule(),
        new HeapExceedsLimitRule(),
        new HpaWithoutRequestsRule(),
        new RequestFarFromUsageRule(),
        new MutableTagRule(),
        new SingleReplicaRule(),
        new PdbBlocksEvictionRule(),
        new PdbMatchesNothingRule(),
        new ApiRemovedRule(),
        new ApiDeprecatedRule(),
    ];
}
