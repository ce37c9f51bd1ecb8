using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resilience;

internal sealed class TimeoutPerTryExceedsTotalRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "timeout.per-try-exceeds-total",
        Severity.Medium,
        "Retries that can never happen",
        "perTryTimeout x tries is longer than the total timeout, so the later tries are cut off before they start.",
        "Make the total timeout at least tries x perTryTimeout, or lower the number of retries to what fits.",
        """
        With a total timeout T, a per-try timeout P and N tries (Istio: attempts + 1, since attempts counts retries),
        only floor(T / P) tries fit. The configuration promises resilience it cannot deliver, and whoever sized the
        callers' timeouts from N is wrong.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var p in context.Model.Policies)
        {
            if (p.Timeout is not { } total || p.PerTryTimeout is not { } perTry || !p.Retries || perTry * p.Tries <= total)
            {
                continue;
            }
            var fit = (int)Math.Floor(total / perTry);
            yield return Policy(context, p,
                $"{p.Caller ?? "every caller"} → {p.Callee}: {p.Tries} tries of {CallPolicy.Format(perTry)} need {CallPolicy.Format(perTry * p.Tries)}, but the total timeout is {CallPolicy.Format(total)}: only {fit} tr{(fit == 1 ? "y" : "ies")} can happen",
                $"{p.Tries} tries happen before giving up");
        }
    }

    internal static Finding Policy(RuleContext context, CallPolicy p, string message, string assumption) =>
        context.Model.FindService(p.CalleeNamespace, p.Callee) is { } s
            ? context.ForObject(s.Manifest, p.Caller ?? p.Callee, null, message, assumption, p.Describe()) with { Location = p.Location }
            : TimeoutCallerShorterThanCalleeRule.Detached(context, p, message, assumption);
}

internal sealed class TimeoutMissingRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "timeout.missing",
        Severity.Low,
        "Retries without a timeout",
        "An edge retries but has neither a total nor a per-try timeout.",
        "Set a per-try timeout (and a total timeout) on every route that retries.",
        """
        Without a timeout a retry only happens after a fast failure; a slow callee holds the caller's connection (and
        thread) for as long as it likes, and the retries never help when they are needed most.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var p in context.Model.Policies)
        {
            if (!p.Retries || p.Timeout is not null || p.PerTryTimeout is not null)
            {
                continue;
            }
            yield return TimeoutPerTryExceedsTotalRule.Policy(context, p,
                $"{p.Caller ?? "every caller"} → {p.Callee} retries ({p.Tries} tries) but sets no timeout",
                $"a slow {p.Callee} is given up on and retried");
        }
    }
}
