using Faultline.Core.Findings;

namespace Faultline.Core.Rules;

/// <summary>
/// What a change does to the findings: those the head has and the base had not are introduced; those whose
/// severity rose are worse; the rest already existed and are hidden unless asked for.
/// </summary>
public static class ChangeComparison
{
    public static CheckResult Compare(CheckResult head, CheckResult baseResult, bool includeExisting)
    {
        var before = new Dictionary<string, Severity>(StringComparer.Ordinal);
        foreach (var f in baseResult.Findings.Concat(baseResult.Suppressed))
        {
            var key = Identity(f);
            if (!before.TryGetValue(key, out var s) || f.Severity > s)
            {
                before[key] = f.Severity;
            }
        }
        var findings = new List<Finding>();
        foreach (var f in head.Findings)
        {
            var status = before.TryGetValue(Identity(f), out var old) ? f.Severity > old ? "worse" : "existing" : "introduced";
            if (status != "existing" || includeExisting)
            {
                findings.Add(f with { Change = status });
            }
        }
        return head with { Findings = findings };
    }

    /// <summary>Rule, object and message: lines may move without making a finding new.</summary>
    private static string Identity(Finding f) => $"{f.RuleId}\n{f.Namespace}\n{f.ResourceKind}/{f.ResourceName}\n{f.Message}";
}
