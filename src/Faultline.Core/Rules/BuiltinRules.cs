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
        new MutableTagRule(),
        new SingleReplicaRule(),
        new PdbBlocksEvictionRule(),
        new PdbMatchesNothingRule(),
        new ApiRemovedRule(),
        new ApiDeprecatedRule(),
    ];
}
