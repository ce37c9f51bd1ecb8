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
        "A container whose liveness probe (or startupProbe) gives up before the declared startup time.",
        "Add a startupProbe with failureThreshold x periodSeconds above the startup time (liveness waits for it), or raise the liveness initialDelaySeconds.",
        """
        The kubelet starts liveness checks after initialDelaySeconds and restarts the container after failureThreshold
        consecutive failures, one every periodSeconds. A container that needs longer than
        `initialDelaySeconds + failureThreshold x periodSeconds` to start is killed in a loop (CrashLoopBackOff),
        typically only on a cold node or under load. With a startupProbe, liveness waits for it, and the same budget
        applies to the startup probe instead. The startup time comes from the annotation
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
                if (c.Startup is { } startup)
                {
                    // With a startupProbe, liveness waits; the startup probe itself must outlast the start.
                    var startupBudget = startup.InitialDelaySeconds + startup.FailureWindowSeconds;
                    if (startupBudget < expected)
                    {
                        yield return context.ForWorkload(w, startup.Node,
                            $"container '{c.Name}' of {w} needs {expected}s to start, but its startupProbe gives up after {startupBudget}s (initialDelaySeconds {startup.InitialDelaySeconds} + {startup.FailureThreshold} x {startup.PeriodSeconds}s) and the container is restarted",
                            $"the container is up within {startupBudget}s of starting",
                            $"startup time {expected}s from {origin}");
                    }
                    continue;
                }
                if (c.Liveness is not { } live)
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

    /// <summary>"90", "90s", "2m" or "1m30s" as seconds.</summary>
    internal static int? Seconds(string text)
    {
        text = text.Trim();
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }
        var total = 0;
        var number = 0;
        var any = false;
        foreach (var ch in text)
        {
            if (char.IsAsciiDigit(ch))
            {
                number = number * 10 + (ch - '0');
                any = true;
                continue;
            }
            var factor = ch switch { 'h' => 3600, 'm' => 60, 's' => 1, _ => 0 };
            if (factor == 0 || !any)
            {
                return null;
            }
            total += number * factor;
            number = 0;
            any = false;
        }
        return any ? null : total;
    }

    private static (int Seconds, string Origin)? ExpectedStartup(Workload w, RuleContext context)
    {
        if (w.Annotations.TryGetValue(Annotation, out var text) && Seconds(text) is { } annotated)
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
