using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Probes;

internal sealed class LivenessIdenticalToReadinessRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "probe.liveness-identical-to-readiness",
        Severity.Medium,
        "Liveness probe is the readiness probe and fails no later",
        "Liveness and readiness perform the same check and liveness gives up no later than readiness.",
        "Keep the same cheap endpoint if you like, but give liveness a larger failureThreshold (or period) than readiness, so a busy pod is taken out of rotation before it is restarted.",
        """
        Readiness takes a pod out of rotation; liveness restarts it. When both run the same check (HTTP path, port,
        scheme and headers; TCP port; gRPC port and service; exec command) and liveness fails within the same window
        (failureThreshold x periodSeconds not larger than readiness's), a pod that is only busy is restarted instead
        of being given time, and under load the restarts cascade across replicas. Using the same endpoint with a
        higher failureThreshold for liveness is what the Kubernetes documentation recommends and does not fire.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                if (c.Liveness is not { } live || c.Readiness is not { } ready || !live.SameCheckAs(ready, c)
                    || live.FailureWindowSeconds > ready.FailureWindowSeconds)
                {
                    continue;
                }
                yield return context.ForWorkload(w, live.Node,
                    $"container '{c.Name}' of {w}: liveness and readiness both run {live.Describe()} and liveness restarts after {live.FailureWindowSeconds}s, no later than readiness removes it ({ready.FailureWindowSeconds}s)",
                    "a pod that is slow to answer is taken out of rotation before it is restarted",
                    $"liveness {live.FailureThreshold}x{live.PeriodSeconds}s, readiness {ready.FailureThreshold}x{ready.PeriodSeconds}s");
            }
        }
    }
}
