using Faultline.Core.Findings;

namespace Faultline.Core.Rules;

/// <summary>What a rule is: a stable id, a default severity, and the words users read in `faultline rules`.</summary>
public sealed record RuleInfo(
    string Id,
    Severity DefaultSeverity,
    string Title,
    string Description,
    string Remediation,
    string Documentation,
    IReadOnlyList<RuleParameter>? Parameters = null)
{
    public string Area => Id[..Id.IndexOf('.')];
}

/// <summary>A tunable of a rule, set in settings under rules.&lt;id&gt;.&lt;name&gt;.</summary>
public sealed record RuleParameter(string Name, string Description, IReadOnlyList<string> Default);

/// <summary>A pure check over the system model.</summary>
public abstract class Rule
{
    public abstract RuleInfo Info { get; }

    public abstract IEnumerable<Finding> Check(RuleContext context);

    /// <summary>False when the settings lack what the rule checks against; such a rule is not run (nor listed as run).</summary>
    public virtual bool AppliesTo(Settings.CheckSettings settings) => true;
}
