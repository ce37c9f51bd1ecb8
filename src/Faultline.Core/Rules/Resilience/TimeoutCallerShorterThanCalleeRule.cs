using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resilience;

internal sealed class TimeoutCallerShorterThanCalleeRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "timeout.caller-shorter-than-callee",
        Severity.High,
        "Caller gives up before the callee may answer",
        "On an edge, the caller's timeout (per try) is shorter than the worst time the callee may legitimately take.",
        "Give the caller a timeout above the callee's worst case, or shorten the callee's own downstream timeouts and retries so it answers in time.",
        """
        The callee's worst time is its declared latencyP99 (faultline.yaml `provides.latencyP99`) plus the longest
        budget of its own downstream calls (timeout, or tries x per-try timeout, from Istio VirtualServices,
        Linkerd ServiceProfiles or faultline.yaml `consumes`). When the caller waits less than that per try, it gives
        up while the callee still works, retries on top of it, and the callee's work is wasted: under load the
        retries multiply the work and the outage spreads upstream.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var model = context.Model;
        foreach (var policy in model.Policies)
        {
            var wait = policy.PerTryTimeout ?? policy.Timeout;
            if (wait is not { } perCall || CallTimes.Worst(model, policy.Callee, policy.CalleeNamespace) is not (var worst, var why) || worst <= perCall)
            {
                continue;
            }
            var caller = policy.Caller ?? $"every caller of {policy.Callee}";
            var subject = model.FindService(policy.CalleeNamespace, policy.Callee);
            var message = $"{caller} waits {CallPolicy.Format(perCall)} per call to {policy.Callee}, but {policy.Callee} may take {CallPolicy.Format(worst)}: {why}";
            var assumption = $"{policy.Callee} answers within {CallPolicy.Format(perCall)}";
            var finding = subject is not null
                ? context.ForObject(subject.Manifest, policy.Caller ?? policy.Callee, null, message, assumption, policy.Describe())
                : Detached(context, policy, message, assumption);
            yield return finding with { Location = policy.Location, Namespace = policy.CalleeNamespace };
        }
    }

    internal static Finding Detached(RuleContext context, CallPolicy policy, string message, string assumption) => new()
    {
        RuleId = context.Rule.Id,
        Severity = context.Rule.DefaultSeverity,
        Service = policy.Caller ?? policy.Callee,
        Namespace = policy.CalleeNamespace,
        ResourceKind = policy.Origin == PolicyOrigin.Assumptions ? "Assumptions" : policy.Origin == PolicyOrigin.Istio ? "VirtualService" : "ServiceProfile",
        ResourceName = policy.Callee,
        Location = policy.Location,
        Message = message,
        Assumption = assumption,
        Evidence = policy.Describe(),
        Remediation = context.Rule.Remediation,
    };
}
