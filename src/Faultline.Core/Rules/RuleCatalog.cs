namespace Faultline.Core.Rules;

/// <summary>Every rule Faultline has, sorted by id. Refuses two rules with one id.</summary>
public sealed class RuleCatalog
{
    private readonly SortedDictionary<string, Rule> _rules = new(StringComparer.Ordinal);

    public RuleCatalog(IEnumerable<Rule> rules)
    {
        foreach (var rule in rules)
        {
            if (!_rules.TryAdd(rule.Info.Id, rule))
            {
                throw new InvalidOperationException($"two rules share the id {rule.Info.Id}");
            }
        }
    }

    public static RuleCatalog Builtin { get; } = new(BuiltinRules.All());

    public IEnumerable<Rule> Rules => _rules.Values;

    public Rule? Find(string id) => _rules.GetValueOrDefault(id);

    public bool Contains(string id) => _rules.ContainsKey(id);
}
