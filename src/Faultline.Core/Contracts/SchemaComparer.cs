using System.Globalization;
using static Faultline.Core.Contracts.SpecDiff.RuleIds;

namespace Faultline.Core.Contracts;

/// <summary>
/// Compares a base schema with a head schema in one direction and reports what breaks the party that reads the
/// value: the consumer for a response, the provider for a request (so a request may not shrink what it accepts).
/// A shared schema is compared under every path it is reached by, so a consumer's dotted path finds its change;
/// a pair already being compared further up the path is not entered again (recursive schemas), and past a
/// budget of visits per body each pair is compared once only, which bounds schemas that fan out exponentially.
/// </summary>
internal sealed class SchemaComparer(ChangeSink sink)
{
    private const int MaxDepth = 64;
    private const int VisitBudget = 100_000;

    private readonly SchemaViews _views = new();
    // The pairs being compared from the root down to here: a short list, cheaper to scan than to hash into.
    private readonly List<(ApiSchema Base, ApiSchema Head)> _onPath = [];
    private readonly HashSet<(ApiSchema, ApiSchema)> _seen = [];
    private int _visits;

    public void CompareRoot(ApiSchema? b, ApiSchema? h, Site site, string path)
    {
        if (b is null || h is null)
        {
            return;
        }
        _visits = 0;
        if (_seen.Count > 0)
        {
            _seen.Clear();
        }
        Compare(b, h, site, path, 0);
    }

    private void Compare(ApiSchema b0, ApiSchema h0, Site site, string path, int depth)
    {
        if (depth > MaxDepth || OnPath(b0, h0))
        {
            return;
        }
        _onPath.Add((b0, h0));
        try
        {
            if (++_visits > VisitBudget && !_seen.Add((b0, h0)))
            {
                return;
            }
            var b = _views.View(b0);
            var h = _views.View(h0);
            var request = site.Direction == ChangeDirection.Request;
            var baseUnion = SchemaViews.IsPureUnion(b);
            var headUnion = SchemaViews.IsPureUnion(h);
            if (headUnion && !baseUnion)
            {
                // Every branch is a shape the reader may meet (response) or the one a sender may aim at (request).
                h = _views.UnionView(h);
            }
            else if (baseUnion && !headUnion && request)
            {
                b = _views.UnionView(b);
            }
            var typeChange = TypeChange(b, h, request);
            if (typeChange is not null)
            {
                sink.Add(request ? RequestFieldTypeChanged : ResponseFieldTypeChanged, site, path, typeChange, b.Location, h.Location);
            }
            if (request)
            {
                RequestValues(b, h, site, path);
            }
            else
            {
                ResponseValues(b, h, site, path, typeChange is not null);
            }
            if (typeChange is not null)
            {
                // The shapes differ; what lies below them is not comparable field by field.
                return;
            }
            if (baseUnion && !headUnion && !request)
            {
                // The consumer knew every former branch; the new shape must fit the closest of them.
                BestBranch(b, h0, site, path, depth);
                return;
            }
            Properties(b, h, site, path, depth, request);
            if (b.Items is not null && h.Items is not null)
            {
                Compare(b.Items, h.Items, site, path + "[]", depth + 1);
            }
            if (b.AdditionalProperties is not null && h.AdditionalProperties is not null)
            {
                Compare(b.AdditionalProperties, h.AdditionalProperties, site, Join(path, "*"), depth + 1);
            }
            Variants(b, h, site, path, depth, request);
        }
        finally
        {
            _onPath.RemoveAt(_onPath.Count - 1);
        }
    }

    private bool OnPath(ApiSchema b, ApiSchema h)
    {
        foreach (var (x, y) in _onPath)
        {
            if (ReferenceEquals(x, b) && ReferenceEquals(y, h))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Why the reader can no longer take every value of the sender's type, or null.</summary>
    private string? TypeChange(ApiSchema b, ApiSchema h, bool request)
    {
        var baseTypes = _views.Types(b);
        var headTypes = _views.Types(h);
        var (sent, accepted) = request ? (baseTypes, headTypes) : (headTypes, baseTypes);
        var (sentFormat, acceptedFormat) = request ? (b.Format, h.Format) : (h.Format, b.Format);
        var changed = false;
        if (accepted.Count > 0)
        {
            changed = sent.Count == 0 || sent.Any(t => !Accepts(accepted, t));
        }
        if (!changed && !FormatAccepted(sentFormat, acceptedFormat))
        {
            changed = true;
        }
        return changed ? $"changed type from {TypeText(baseTypes, b.Format)} to {TypeText(headTypes, h.Format)}" : null;
    }

    private static bool Accepts(IReadOnlyList<string> accepted, string type) =>
        accepted.Contains(type) || (type == "integer" && accepted.Contains("number"));

    private static bool FormatAccepted(string? sent, string? accepted) =>
        accepted is null || string.Equals(sent, accepted, StringComparison.Ordinal) || (sent, accepted) switch
        {
            ("int32", "int64" or "float" or "double") => true,
            ("int64" or "float", "double") => true,
            _ => false,
        };

    private static string TypeText(IReadOnlyList<string> types, string? format)
    {
        var text = types.Count == 0 ? "any" : string.Join(" | ", types);
        return format is null ? text : $"{text} ({format})";
    }

    private void ResponseValues(ApiSchema b, ApiSchema h, Site site, string path, bool typeChanged)
    {
        if (!b.Nullable && h.Nullable)
        {
            sink.Add(ResponseFieldBecameOptional, site, path, "may now be null", b.Location, h.Location);
        }
        if (b.Enum is { } baseValues)
        {
            if (h.Enum is null)
            {
                if (typeChanged)
                {
                    // Already reported as a new type; "any value of it" says nothing more.
                    return;
                }
                sink.Add(ResponseEnumValueAdded, site, path, $"is no longer limited to {Values(baseValues)}", b.Location, h.Location);
            }
            else if (h.Enum.Except(baseValues).ToList() is { Count: > 0 } added)
            {
                sink.Add(ResponseEnumValueAdded, site, path, $"may now be {Values(added)}", b.Location, h.Location);
            }
        }
    }

    private void RequestValues(ApiSchema b, ApiSchema h, Site site, string path)
    {
        if (b.Nullable && !h.Nullable)
        {
            sink.Add(RequestFieldTypeChanged, site, path, "no longer accepts null", b.Location, h.Location);
        }
        if (h.Enum is { } headValues)
        {
            if (b.Enum is null)
            {
                sink.Add(RequestConstraintNarrowed, site, path, $"now accepts only {Values(headValues)}", b.Location, h.Location);
            }
            else if (b.Enum.Except(headValues).ToList() is { Count: > 0 } removed)
            {
                sink.Add(RequestEnumValueRemoved, site, path, $"no longer accepts {Values(removed)}", b.Location, h.Location);
            }
        }
        if (Narrowing(b, h) is { Count: > 0 } narrowed)
        {
            sink.Add(RequestConstraintNarrowed, site, path, string.Join("; ", narrowed), b.Location, h.Location);
        }
    }

    private static List<string> Narrowing(ApiSchema b, ApiSchema h)
    {
        var found = new List<string>();
        Upper(found, "maxLength", b.MaxLength, h.MaxLength);
        Upper(found, "maxItems", b.MaxItems, h.MaxItems);
        Lower(found, "minLength", b.MinLength, h.MinLength);
        Lower(found, "minItems", b.MinItems, h.MinItems);
        if (h.Maximum is { } max && (b.Maximum is null || max < b.Maximum || (max == b.Maximum && h.ExclusiveMaximum && !b.ExclusiveMaximum)))
        {
            found.Add($"maximum {Bound(b.Maximum, b.ExclusiveMaximum, "<")} became {Bound(max, h.ExclusiveMaximum, "<")}");
        }
        if (h.Minimum is { } min && (b.Minimum is null || min > b.Minimum || (min == b.Minimum && h.ExclusiveMinimum && !b.ExclusiveMinimum)))
        {
            found.Add($"minimum {Bound(b.Minimum, b.ExclusiveMinimum, ">")} became {Bound(min, h.ExclusiveMinimum, ">")}");
        }
        if (h.Pattern is { } pattern && pattern != b.Pattern && !MatchesAnything(pattern))
        {
            found.Add(b.Pattern is null || MatchesAnything(b.Pattern) ? $"must now match pattern '{pattern}'" : $"pattern changed from '{b.Pattern}' to '{pattern}'");
        }
        return found;
    }

    private static void Upper(List<string> found, string name, int? b, int? h)
    {
        if (h is { } value && (b is null || value < b))
        {
            found.Add(b is null ? $"{name} {value} was added" : $"{name} decreased from {b} to {value}");
        }
    }

    private static void Lower(List<string> found, string name, int? b, int? h)
    {
        if (h is { } value && value > (b ?? 0))
        {
            found.Add(b is null ? $"{name} {value} was added" : $"{name} increased from {b} to {value}");
        }
    }

    private static string Bound(decimal? value, bool exclusive, string op) =>
        value is null ? "none" : exclusive ? $"{op} {value.Value.ToString(CultureInfo.InvariantCulture)}" : value.Value.ToString(CultureInfo.InvariantCulture);

    private static bool MatchesAnything(string pattern) => pattern is "" or ".*" or "^.*$" or "^.*" or ".*$" or "(.*)" or "^(.*)$" or "[\\s\\S]*";

    private static string Values(IEnumerable<string> values)
    {
        var list = values.Take(6).ToList();
        var text = string.Join(", ", list);
        return values.Skip(6).Any() ? text + ", ..." : text;
    }

    private void Properties(ApiSchema b, ApiSchema h, Site site, string path, int depth, bool request)
    {
        if (request)
        {
            foreach (var name in h.Required)
            {
                if (b.Required.Contains(name))
                {
                    continue;
                }
                var hp = h.Properties.GetValueOrDefault(name);
                if (hp is not null && _views.View(hp).ReadOnly)
                {
                    continue;
                }
                var bp = b.Properties.GetValueOrDefault(name);
                sink.Add(RequestFieldBecameRequired, site, Join(path, name), bp is null ? "is new and required" : "became required",
                    bp?.Location ?? b.Location, hp?.Location ?? h.Location);
            }
        }
        foreach (var (name, bp) in b.Properties)
        {
            var fieldPath = Join(path, name);
            if (!h.Properties.TryGetValue(name, out var hp))
            {
                if (!request && !_views.View(bp).WriteOnly)
                {
                    sink.Add(ResponseFieldRemoved, site, fieldPath, "was removed", bp.Location, h.Location);
                }
                continue;
            }
            if (request)
            {
                if (_views.View(bp).ReadOnly || _views.View(hp).ReadOnly)
                {
                    continue;
                }
            }
            else
            {
                if (_views.View(bp).WriteOnly)
                {
                    continue;
                }
                if (b.Required.Contains(name) && !h.Required.Contains(name))
                {
                    sink.Add(ResponseFieldBecameOptional, site, fieldPath, "is no longer required", bp.Location, hp.Location);
                }
            }
            Compare(bp, hp, site, fieldPath, depth + 1);
        }
    }

    /// <summary>
    /// oneOf and anyOf on both sides, read conservatively as "one of these shapes": branches are paired by $ref
    /// name, type and shared properties, and compared pairwise. A request that loses a branch, or a response
    /// that gains one, changes type. (A union on one side only is compared through its union view.)
    /// </summary>
    private void Variants(ApiSchema b, ApiSchema h, Site site, string path, int depth, bool request)
    {
        var baseVariants = SchemaViews.Variants(b);
        var headVariants = SchemaViews.Variants(h);
        if (baseVariants.Count == 0 || headVariants.Count == 0)
        {
            return;
        }
        var (pairs, baseLeft, headLeft) = Match(baseVariants, headVariants);
        foreach (var (x, y) in pairs)
        {
            Compare(x, y, site, path, depth + 1);
        }
        if (request && baseLeft.Count > 0)
        {
            sink.Add(RequestFieldTypeChanged, site, path, $"no longer accepts {Names(baseLeft)}", b.Location, h.Location);
        }
        if (!request && headLeft.Count > 0)
        {
            sink.Add(ResponseFieldTypeChanged, site, path, $"may now be {Names(headLeft)}", b.Location, h.Location);
        }
    }

    private void BestBranch(ApiSchema b, ApiSchema h0, Site site, string path, int depth)
    {
        var (pairs, _, _) = Match(SchemaViews.Variants(b), [h0]);
        foreach (var (x, y) in pairs)
        {
            // A null branch of the union (now on the union itself) stays allowed for the branch it is paired with.
            Compare(b.Nullable ? _views.AsNullable(x) : x, y, site, path, depth + 1);
        }
    }

    private (List<(ApiSchema, ApiSchema)> Pairs, List<ApiSchema> BaseLeft, List<ApiSchema> HeadLeft) Match(
        IReadOnlyList<ApiSchema> bs, IReadOnlyList<ApiSchema> hs)
    {
        var candidates = new List<(int Score, int I, int J)>();
        for (var i = 0; i < bs.Count; i++)
        {
            for (var j = 0; j < hs.Count; j++)
            {
                if (Score(bs[i], hs[j]) is var score and > 0)
                {
                    candidates.Add((score, i, j));
                }
            }
        }
        candidates.Sort((x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.I != y.I ? x.I.CompareTo(y.I) : x.J.CompareTo(y.J));
        var usedB = new bool[bs.Count];
        var usedH = new bool[hs.Count];
        var pairs = new List<(ApiSchema, ApiSchema)>();
        foreach (var (_, i, j) in candidates)
        {
            if (!usedB[i] && !usedH[j])
            {
                usedB[i] = usedH[j] = true;
                pairs.Add((bs[i], hs[j]));
            }
        }
        pairs.Sort((x, y) => IndexOf(bs, x.Item1).CompareTo(IndexOf(bs, y.Item1)));
        return (pairs, [.. bs.Where((_, i) => !usedB[i])], [.. hs.Where((_, j) => !usedH[j])]);
    }

    private static int IndexOf(IReadOnlyList<ApiSchema> list, ApiSchema item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], item))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>How alike two branches are: the same $ref name counts most, then the same types, then shared properties.</summary>
    private int Score(ApiSchema x, ApiSchema y)
    {
        var score = 0;
        if (x.Ref is { } xr && y.Ref is { } yr && RefName(xr) == RefName(yr))
        {
            score += 1000;
        }
        var xv = _views.View(x);
        var yv = _views.View(y);
        var xt = _views.Types(xv);
        var yt = _views.Types(yv);
        if (xt.Count > 0 && yt.Count > 0)
        {
            if (xt.Count == yt.Count && xt.All(yt.Contains))
            {
                score += 100;
            }
            else if (xt.Any(t => Accepts(yt, t) || Accepts([t], yt[0])))
            {
                score += 50;
            }
            else
            {
                return score;
            }
        }
        else
        {
            score += 10;
        }
        var shared = 0;
        foreach (var name in xv.Properties.Keys)
        {
            if (yv.Properties.ContainsKey(name))
            {
                shared++;
            }
        }
        return score + Math.Min(shared, 99);
    }

    private string Names(List<ApiSchema> variants) =>
        string.Join(", ", variants.Select(v => v.Ref is { } r ? RefName(r) : TypeText(_views.Types(_views.View(v)), _views.View(v).Format)));

    private static string RefName(string reference) => reference[(reference.LastIndexOf('/') + 1)..];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
