using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Core.Settings;

namespace Faultline.Core.Rules;

/// <summary>The outcome of running the rules: findings to report, what was suppressed, and which rules ran.</summary>
public sealed record CheckResult(
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Finding> Suppressed,
    IReadOnlyList<RuleInfo> RulesRun)
{
    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>True when a finding is at or above the fail-on threshold.</summary>
    public bool Fails(Severity? failOn) => failOn is { } threshold && Findings.Any(f => f.Severity >= threshold);
}

/// <summary>Runs every enabled rule over a model, applies settings and suppressions, and adds the blast radius.</summary>
public static class CheckEngine
{
    public const string IgnoreAnnotation = "faultline.dev/ignore";
    public const string IgnoreReasonAnnotation = "faultline.dev/ignore-reason";

    public static CheckResult Run(SystemModel model, CheckSettings settings, RuleCatalog? catalog = null, SystemModel? baseModel = null)
    {
        var change = baseModel is null ? null : new ChangeContext(baseModel, model);
        catalog ??= RuleCatalog.Builtin;
        var findings = new List<Finding>();
        var suppressed = new List<Finding>();
        var run = new List<RuleInfo>();
        foreach (var rule in catalog.Rules)
        {
            if (!settings.IsEnabled(rule.Info.Id) || !rule.AppliesTo(settings))
            {
                continue;
            }
            run.Add(rule.Info);
            var context = new RuleContext(model, settings, rule.Info, change);
            foreach (var finding in rule.Check(context))
            {
                var f = finding;
                if (settings.SeverityOverrides.TryGetValue(rule.Info.Id, out var severity) && f.Severity == rule.Info.DefaultSeverity)
                {
                    f = f with { Severity = severity };
                }
                if (IsIgnored(f))
                {
                    suppressed.Add(f);
                    continue;
                }
                findings.Add(WithBlastRadius(model, f));
            }
        }
        return new CheckResult(Sort(findings), Sort(suppressed), run);
    }

    /// <summary>Who else is hurt: the subject's callers, transitively, led by the consumers that rely on it.</summary>
    private static Finding WithBlastRadius(SystemModel model, Finding f)
    {
        if (f.ReachesThroughConsumers && f.Consumers.Count > 0)
        {
            // Readers of a topic and their callers; the path is the first reader's way in.
            var all = f.Consumers
                .SelectMany(c => Shorten(model.Upstream(f.Namespace, c, Finding.BlastRadiusShown).Nearest, f.Namespace).Prepend(c))
                .Where(s => s != f.Service).Distinct().ToList();
            var first = f.Consumers[0];
            var chain = model.Upstream(f.Namespace, first, Finding.BlastRadiusShown).Chain;
            return f with
            {
                BlastRadius = all.Take(Finding.BlastRadiusShown).ToList(),
                BlastRadiusCount = all.Count,
                BlastPath = chain.Count == 0 ? [] : Shorten(chain, f.Namespace).Reverse().Append(first).ToList(),
            };
        }
        var (nearest, count, subjectChain) = model.Upstream(f.Namespace, f.Service, Finding.BlastRadiusShown);
        var radius = Shorten(nearest, f.Namespace);
        if (f.Consumers.Count > 0)
        {
            var extra = f.Consumers.Where(c => c != f.Service && !radius.Contains(c)).ToList();
            radius = extra.Concat(radius).Take(Finding.BlastRadiusShown).ToList();
            count += extra.Count;
        }
        // The farthest caller's way in, outermost first: "frontend -> checkout -> payment".
        var path = subjectChain.Count == 0 ? [] : Shorten(subjectChain, f.Namespace).Reverse().Append(f.Service).ToList();
        return f with { BlastRadius = radius, BlastRadiusCount = count, BlastPath = path };
    }

    private static List<Finding> Sort(List<Finding> findings) =>
        findings
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.Service, StringComparer.Ordinal)
            .ThenBy(f => f.Location.File, StringComparer.Ordinal)
            .ThenBy(f => f.Location.Line)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();

    private static bool IsIgnored(Finding f)
    {
        return Matches(f.Subject?.Annotations) || Matches(f.SubjectAnnotations);

        bool Matches(IReadOnlyDictionary<string, string>? annotations) =>
            annotations is not null && annotations.TryGetValue(IgnoreAnnotation, out var list)
            && list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Any(id => id == f.RuleId || id == "*" || id == "all" || (id.EndsWith(".*", StringComparison.Ordinal) && f.RuleId.StartsWith(id[..^1], StringComparison.Ordinal)));
    }

    /// <summary>The nearest services of a blast radius, named without the namespace when it is the subject's.</summary>
    private static IReadOnlyList<string> Shorten(IReadOnlyList<string> radius, string ns) =>
        radius.Select(id => id.StartsWith(ns + "/", StringComparison.Ordinal) ? id[(ns.Length + 1)..] : id)
            .ToList();
}
