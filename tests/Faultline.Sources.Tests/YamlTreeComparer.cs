using Faultline.Core.Documents;

namespace Faultline.Sources.Tests;

/// <summary>Describes the first difference between two node trees (structure, keys, values, quoting, lines), or null.</summary>
internal static class YamlTreeComparer
{
    public static string? Difference(Node? a, Node? b, string path = "$")
    {
        if (IsEmpty(a) && IsEmpty(b))
        {
            return null;
        }
        if (a is null || b is null)
        {
            return $"{path}: one side is missing";
        }
        if (a.GetType() != b.GetType())
        {
            return $"{path}: {a.GetType().Name} (line {a.Line}) vs {b.GetType().Name} (line {b.Line})";
        }
        if (a.Line != b.Line)
        {
            return $"{path}: line {a.Line} vs {b.Line}";
        }
        switch (a)
        {
            case ScalarNode sa:
                var sb = (ScalarNode)b;
                if (sa.Value != sb.Value)
                {
                    return $"{path}: value {Show(sa.Value)} vs {Show(sb.Value)}";
                }
                return sa.Quoted != sb.Quoted ? $"{path}: quoted {sa.Quoted} vs {sb.Quoted}" : null;
            case ListNode la:
                var lb = (ListNode)b;
                if (la.Items.Count != lb.Items.Count)
                {
                    return $"{path}: {la.Items.Count} items vs {lb.Items.Count}";
                }
                for (var i = 0; i < la.Items.Count; i++)
                {
                    if (Difference(la.Items[i], lb.Items[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }
                return null;
            default:
                var ma = (MapNode)a;
                var mb = (MapNode)b;
                if (ma.Entries.Count != mb.Entries.Count)
                {
                    return $"{path}: {ma.Entries.Count} keys vs {mb.Entries.Count}";
                }
                for (var i = 0; i < ma.Entries.Count; i++)
                {
                    if (ma.Entries[i].Key != mb.Entries[i].Key)
                    {
                        return $"{path}: key {Show(ma.Entries[i].Key)} vs {Show(mb.Entries[i].Key)}";
                    }
                    if (Difference(ma.Entries[i].Value, mb.Entries[i].Value, $"{path}.{ma.Entries[i].Key}") is { } d)
                    {
                        return d;
                    }
                }
                return null;
        }
    }

    private static bool IsEmpty(Node? n) => n is null || n is ScalarNode { Value: "", Quoted: false };

    private static string Show(string s) => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
