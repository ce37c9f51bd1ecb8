using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Core.Settings;

namespace Faultline.Core.Rules;

/// <summary>What a rule sees: the model, the settings, and helpers that build findings the same way everywhere.</summary>
public sealed class RuleContext(SystemModel model, CheckSettings settings, RuleInfo rule, ChangeContext? change = null)
{
    public SystemModel Model { get; } = model;

    /// <summary>In change mode, the base the head is compared with; null in a plain check.</summary>
    public ChangeContext? Change { get; } = change;

    public CheckSettings Settings { get; } = settings;

    public RuleInfo Rule { get; } = rule;

    /// <summary>A rule parameter from settings, or its declared default.</summary>
    public IReadOnlyList<string> Parameter(string name) =>
        Settings.Parameter(Rule.Id, name)
        ?? Rule.Parameters?.FirstOrDefault(p => p.Name == name)?.Default
        ?? throw new InvalidOperationException($"rule {Rule.Id} has no parameter {name}");

    public Finding ForWorkload(Workload w, Node? at, string message, string assumption, string evidence, Severity? severity = null) => new()
    {
        RuleId = Rule.Id,
        Severity = severity ?? Rule.DefaultSeverity,
        Service = Model.ComponentName(w),
        Namespace = w.Namespace,
        ResourceKind = w.Kind,
        ResourceName = w.Name,
        Location = w.Manifest.At(at),
        Message = message,
        Assumption = assumption,
        Evidence = evidence,
        Remediation = Rule.Remediation,
        Subject = w.Manifest,
        SubjectAnnotations = w.Annotations,
    };

    public Finding ForObject(Manifest m, string service, Node? at, string message, string assumption, string evidence, Severity? severity = null) => new()
    {
        RuleId = Rule.Id,
        Severity = severity ?? Rule.DefaultSeverity,
        Service = service,
        Namespace = m.Namespace,
        ResourceKind = m.Kind,
        ResourceName = m.Name,
        Location = m.At(at),
        Message = message,
        Assumption = assumption,
        Evidence = evidence,
        Remediation = Rule.Remediation,
        Subject = m,
    };
}
