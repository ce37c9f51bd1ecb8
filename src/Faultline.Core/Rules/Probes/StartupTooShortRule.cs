using System.Globalization;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Probes;

internal sealed class StartupTooShortRule : Rule
{
    public const string Annotation = "faultline.dev/startup-seconds";

    public override RuleInfo Info { get; } = new(
        "probe.startup-too-short",
        Severity.Medium,
        "Liveness kills the container before it can start",
        "A container without a startupProbe whose liveness probe gives up before the declared startup time.",
        "Add a startupProbe with failureThreshold x periodSeconds above the startup time (liveness waits for it), or raise the liveness initialDelaySeconds.",
        """
        The kubelet starts liveness checks after initialDelaySeconds and restarts the container after failureThreshold
        consecutive failures, one every periodSeconds. A container that needs longer than
        `initialDelaySeconds + failureThreshold x periodSeconds` to start is killed in a loop (CrashLoopBackOff),
        typically only on a cold node or under load. The startup time comes from the annotation
        `faultline.dev/startup-seconds` on the workload or its pod template, or from settings
        (`startupSeconds: { <workload>: 90, "*": 30 }`).
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            if (ExpectedStartup(w, context) is not (var expected, var origin))
            {
                continue;
            }
            foreach (var c in w.Containers)
            {
                if (c.Startup is not null || c.Liveness is not { } live)
                {
                    continue;
                }
                var budget = live.InitialDelaySeconds + live.FailureWindowSeconds;
                if (budget >= expected)
                {
                    continue;
                }
                yield return context.ForWorkload(w, live.Node,
                    $"container '{c.Name}' of {w} needs {expected}s to start, but liveness restarts it after {budget}s (initialDelaySeconds {live.InitialDelaySeconds} + {live.FailureThreshold} x {live.PeriodSeconds}s) and there is no startupProbe",
                    $"the container is up within {budget}s of starting",
                    $"startup time {expected}s from {origin}");
            }
        }
    }

    private static (int Seconds, string Origin)? ExpectedStartup(Workload w, RuleContext context)
    {
        if (w.Annotations.TryGetValue(Annotation, out var text)
            && int.TryParse(text.TrimEnd('s'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var annotated))
        {
            return (annotated, $"annotation {Annotation}");
        }
        if (context.Settings.StartupSeconds.TryGetValue(w.Name, out var byName))
        {
            return (byName, $"settings startupSeconds.{w.Name}");
        }
        if (context.Settings.StartupSeconds.TryGetValue("*", out var all))
        {
            return (all, "settings startupSeconds.*");
        }
        return null;
    }
}
