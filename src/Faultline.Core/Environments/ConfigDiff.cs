using Faultline.Core.Documents;
using Faultline.Core.Findings;

namespace Faultline.Core.Environments;

/// <summary>
/// Compares one env var or ConfigMap key across the two environments and ranks the difference by what the name
/// and values say it is: a feature flag, a timeout, retries, a capacity, runtime options, an address, or a secret
/// (never shown). A value that points into the other environment ranks high whatever it is.
/// </summary>
internal static class ConfigDiff
{
    /// <summary>One side: a literal value (raw, not yet masked), or where the value comes from (a Secret, a field).</summary>
    public readonly record struct Side(string? Value, string? Reference, SourceLocation? Where)
    {
        public bool Present => Value is not null || Reference is not null;
    }

    public readonly record struct Subject(string Kind, string Namespace, string Name, string? Scope, string Field, string Key);

    public static void Compare(DiffContext ctx, Subject s, Side a, Side b)
    {
        if (!a.Present && !b.Present)
        {
            return;
        }
        if (a.Value is not null && b.Value is not null)
        {
            // Checked even when the values are equal: both environments naming staging's database is a
            // difference that matters, although the text is the same.
            if (!PointsIntoOther(ctx, s, a, b) && ctx.NormalizeA(a.Value) != b.Value)
            {
                Values(ctx, s, a, b);
            }
            return;
        }
        if (a.Reference is not null && b.Reference is not null)
        {
            if (ObjectKey.StripHash(a.Reference) != ObjectKey.StripHash(b.Reference))
            {
                Add(ctx, s, Severity.Low, a, b, $"{s.Key} comes from {a.Reference} in {ctx.A} and from {b.Reference} in {ctx.B}",
                    $"The two environments read {s.Key} from different places; a value missing or stale in one of them shows only there.");
            }
            return;
        }
        if (a.Present && b.Present)
        {
            var inline = a.Value is not null;
            var (literal, reference) = inline ? (ctx.A, ctx.B) : (ctx.B, ctx.A);
            var from = inline ? b.Reference : a.Reference;
            Add(ctx, s, Severity.Low, a, b, $"{literal} sets {s.Key} inline, {reference} reads it from {from}",
                $"{literal} does not exercise the {from} that {reference} depends on: a missing or wrong key there fails only in {reference}.");
            return;
        }
        OneSide(ctx, s, a, b);
    }

    private static void Values(DiffContext ctx, Subject s, Side a, Side b)
    {
        // Only masked text goes into sentences; the raw values are compared.
        var normalA = ctx.NormalizeA(a.Value!);
        var shownA = SecretMask.Apply(s.Key, a.Value!);
        var shownB = SecretMask.Apply(s.Key, b.Value!);
        var kind = ConfigValues.Classify(s.Key, a.Value, b.Value);
        if (kind == ValueKind.Secret || SecretMask.Partial(normalA) == SecretMask.Partial(b.Value!))
        {
            Add(ctx, s, Severity.Info, a, b, $"{s.Key} differs in a secret part (not shown)",
                "Credentials usually differ per environment; check that each environment reads its own. The values are masked.");
            return;
        }
        switch (kind)
        {
            case ValueKind.Flag:
                Flag(ctx, s, a, b);
                break;
            case ValueKind.Timeout:
                Timeout(ctx, s, a, b);
                break;
            case ValueKind.Retries:
                Add(ctx, s, Severity.Medium, a, b, $"{s.Key} is {shownA} in {ctx.A} and {shownB} in {ctx.B}",
                    "Errors that retries hide in one environment surface in the other, and every retry adds load on the callee when it is already failing.");
                break;
            case ValueKind.Capacity:
                var (less, more) = Order(ConfigValues.Number(a.Value), ConfigValues.Number(b.Value), ctx);
                Add(ctx, s, Severity.Medium, a, b, $"{s.Key} is {shownA} in {ctx.A} and {shownB} in {ctx.B}",
                    less is null
                        ? "The service runs with a different capacity (pools, workers, batches, limits) than it was tested with: exhaustion or overload of its dependencies shows in one environment only."
                        : $"{less} runs with less capacity: pool exhaustion and queueing under load show only in {less}; {more} can put more concurrent load on its dependencies than {less} ever did.");
                break;
            case ValueKind.Runtime:
                Add(ctx, s, Severity.Medium, a, b, $"{s.Key} differs: {shownA} in {ctx.A}, {shownB} in {ctx.B}",
                    "Heap, GC or thread settings decide how the process behaves against its memory and CPU limits: an OOM kill or a GC pause tuned away in one environment can happen in the other.");
                break;
            case ValueKind.LogLevel:
                Add(ctx, s, Severity.Info, a, b, $"{s.Key} is {shownA} in {ctx.A} and {shownB} in {ctx.B}",
                    "Log verbosity differs: what one environment logs while debugging an incident, the other does not.");
                break;
            case ValueKind.Address:
                var hostOnly = ConfigValues.WithoutHost(normalA) == ConfigValues.WithoutHost(b.Value!);
                Add(ctx, s, Severity.Low, a, b, hostOnly ? $"{s.Key} points at another host in each environment" : $"{s.Key} points at different addresses",
                    $"{ctx.A} exercised another endpoint than the one {ctx.B} calls: check that {ctx.B}'s is reachable from {ctx.B} and speaks the same API and port.",
                    hostOnly);
                break;
            default:
                Add(ctx, s, Severity.Low, a, b, $"{s.Key} differs",
                    $"The service reads a different value in each environment: behaviour verified in {ctx.A} may not be what {ctx.B} does.");
                break;
        }
    }

    private static bool PointsIntoOther(DiffContext ctx, Subject s, Side a, Side b)
    {
        if (ConfigValues.Classify(s.Key, a.Value, b.Value) == ValueKind.Secret)
        {
            return false;
        }
        if (ctx.PointsIntoOther(b.Value!, valueIsFromA: false) is { } intoA)
        {
            Add(ctx, s, Severity.High, a, b, $"{s.Key} in {ctx.B} points into {ctx.A} ({intoA})",
                $"{ctx.B} calls or writes to something of {ctx.A} ('{intoA}'): traffic, data or credentials cross environments, and {ctx.B} breaks when {ctx.A} is redeployed or wiped.");
            return true;
        }
        if (ctx.PointsIntoOther(a.Value!, valueIsFromA: true) is { } intoB)
        {
            Add(ctx, s, Severity.High, a, b, $"{s.Key} in {ctx.A} points into {ctx.B} ({intoB})",
                $"{ctx.A} calls or writes to something of {ctx.B} ('{intoB}'): tests in {ctx.A} can touch {ctx.B}'s data, and what {ctx.A} verified is not {ctx.B} talking to itself.");
            return true;
        }
        return false;
    }

    private static void Flag(DiffContext ctx, Subject s, Side a, Side b)
    {
        var onA = ConfigValues.Switch(a.Value);
        var onB = ConfigValues.Switch(b.Value);
        if (onA is null || onB is null || onA == onB)
        {
            Add(ctx, s, Severity.Medium, a, b, $"feature flag {s.Key} is {SecretMask.Apply(s.Key, a.Value!)} in {ctx.A} and {SecretMask.Apply(s.Key, b.Value!)} in {ctx.B}",
                "The code paths behind the flag differ: what one environment verified is not what the other runs.");
            return;
        }
        if (onB == true)
        {
            Add(ctx, s, Severity.High, a, b, $"feature flag {s.Key} is on in {ctx.B} and off in {ctx.A}",
                $"{ctx.B} runs the code behind the flag and {ctx.A} never exercised it: a bug there shows first in {ctx.B}.");
        }
        else
        {
            Add(ctx, s, Severity.Medium, a, b, $"feature flag {s.Key} is on in {ctx.A} and off in {ctx.B}",
                $"{ctx.A} verifies the code behind the flag, but {ctx.B} runs the other path; turning the flag on in {ctx.B} later is a change nothing has tested against {ctx.B}'s data and load.");
        }
    }

    private static void Timeout(DiffContext ctx, Subject s, Side a, Side b)
    {
        var da = ConfigValues.Duration(s.Key, a.Value);
        var db = ConfigValues.Duration(s.Key, b.Value);
        decimal? va = da is { } x ? (decimal)x.TotalMilliseconds : ConfigValues.Number(a.Value);
        decimal? vb = db is { } y ? (decimal)y.TotalMilliseconds : ConfigValues.Number(b.Value);
        string Show(string? raw, TimeSpan? d)
        {
            var safe = SecretMask.Apply(s.Key, raw ?? "");
            return d is { } t && safe != ConfigValues.FormatDuration(t) ? $"{safe} ({ConfigValues.FormatDuration(t)})" : safe;
        }
        var summary = $"{s.Key} is {Show(a.Value, da)} in {ctx.A} and {Show(b.Value, db)} in {ctx.B}";
        if (va is not { } ma || vb is not { } mb || ma <= 0 || mb <= 0)
        {
            Add(ctx, s, Severity.Medium, a, b, summary, "The environments give up on slow work at different times: a call that completes in one can time out in the other.");
            return;
        }
        var shorter = ma < mb ? ctx.A : ctx.B;
        var longer = ma < mb ? ctx.B : ctx.A;
        var ratio = Math.Max(ma, mb) / Math.Min(ma, mb);
        var (sa, sb) = (da is { } t1 ? ConfigValues.FormatDuration(t1) : Show(a.Value, null), db is { } t2 ? ConfigValues.FormatDuration(t2) : Show(b.Value, null));
        var (shortText, longText) = ma < mb ? (sa, sb) : (sb, sa);
        Add(ctx, s, ratio >= ctx.Options.TimeoutHighRatio ? Severity.High : Severity.Medium, a, b, summary,
            $"{shorter} gives up after {shortText} where {longer} waits {longText}: calls that take between the two succeed in {longer} and fail in {shorter}, and their callers see the errors.");
    }

    private static void OneSide(DiffContext ctx, Subject s, Side a, Side b)
    {
        var inA = a.Present;
        var present = inA ? a : b;
        var has = ctx.Label(inA);
        var lacks = ctx.Label(!inA);
        var kind = present.Value is { } v ? ConfigValues.Classify(s.Key, v, null) : ConfigValues.Classify(s.Key, null, null);
        if (present.Value is { } value && kind != ValueKind.Secret && ctx.PointsIntoOther(value, inA) is { } into)
        {
            Add(ctx, s, Severity.High, a, b, $"{s.Key} is set only in {has} and points into {lacks} ({into})",
                $"{has} calls or writes to something of {lacks} ('{into}'): traffic, data or credentials cross environments.");
            return;
        }
        var summary = $"{s.Key} is set only in {has}";
        switch (kind)
        {
            case ValueKind.Flag when ConfigValues.Switch(present.Value) == true:
                Add(ctx, s, Severity.Medium, a, b, $"feature flag {s.Key} is on in {has} and not set in {lacks}",
                    $"{lacks} runs whatever the application's default is, which the manifests do not show: the code behind the flag may run in one environment only.");
                break;
            case ValueKind.Flag or ValueKind.Timeout or ValueKind.Retries or ValueKind.Capacity or ValueKind.Runtime:
                Add(ctx, s, Severity.Medium, a, b, summary,
                    $"{lacks} runs with the application's default, which the manifests do not show: timeouts, retries, capacity or flags tested in one environment are not the other's.");
                break;
            case ValueKind.Secret or ValueKind.LogLevel:
                Add(ctx, s, Severity.Info, a, b, summary, $"{lacks} runs without it; check that it does not need it.");
                break;
            default:
                Add(ctx, s, Severity.Low, a, b, summary,
                    $"{lacks} runs without {s.Key}: code that reads it gets the default (or fails at start) only in {lacks}.");
                break;
        }
    }

    private static (string? Less, string? More) Order(decimal? a, decimal? b, DiffContext ctx) =>
        a is { } x && b is { } y && x != y ? (x < y ? (ctx.A, ctx.B) : (ctx.B, ctx.A)) : (null, null);

    private static void Add(DiffContext ctx, Subject s, Severity severity, Side a, Side b, string summary, string risk, bool hostOnly = false) =>
        ctx.Add(DiffClass.Config, severity, s.Kind, s.Namespace, s.Name, s.Scope, s.Field, (Shown(s.Key, a), a.Where), (Shown(s.Key, b), b.Where),
            summary, risk, s.Key, hostOnly);

    private static string? Shown(string key, Side side) =>
        side.Value is { } v ? SecretMask.Apply(key, v) : side.Reference is { } r ? $"from {r}" : null;
}
