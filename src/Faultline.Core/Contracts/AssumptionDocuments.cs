using System.Globalization;
using Faultline.Core.Documents;

namespace Faultline.Core.Contracts;

/// <summary>
/// Reads faultline.yaml Assumptions documents and Backstage catalog entities from the objects of the input. Both are
/// apiVersion/kind documents, so they arrive as manifests; files they point at are resolved by the Sources layer.
/// </summary>
public static class AssumptionDocuments
{
    public const string ApiVersion = "faultline.dev/v1alpha1";

    public static bool IsAssumptions(Manifest m) => m.ApiVersion == ApiVersion && m.Kind == "Assumptions";

    public static bool IsBackstage(Manifest m) => m.ApiVersion.StartsWith("backstage.io/", StringComparison.Ordinal);

    public static ServiceAssumptions? Read(Manifest m, List<InputDiagnostic> diagnostics)
    {
        var root = m.Root;
        var service = root.Str("service");
        if (service is null)
        {
            diagnostics.Add(new(DiagnosticLevel.Error, m.Location, "Assumptions document has no 'service'"));
            return null;
        }
        var (name, ns) = SplitService(service, root.Str("namespace"));
        var provides = root.Map("provides");
        var calls = new List<CallAssumption>();
        var topics = new List<TopicAssumption>();
        foreach (var c in root.Maps("consumes"))
        {
            if (c.Str("topic") is { } topic)
            {
                topics.Add(new TopicAssumption(topic, false, c.Str("ordering"), m.At(c))
                {
                    Reads = c.List("reads")?.Items.Select(i => i.Text ?? "").Where(r => r.Length > 0).ToList() ?? [],
                });
                continue;
            }
            if (c.Str("service") is not { } target)
            {
                diagnostics.Add(new(DiagnosticLevel.Error, m.At(c), "a 'consumes' entry needs 'service' or 'topic'"));
                continue;
            }
            var (tName, tNs) = SplitService(target, null);
            var retries = c.Map("retries");
            calls.Add(new CallAssumption(
                tName, tNs, c.Str("operation"),
                Duration(c["timeout"], m, diagnostics),
                retries?.Int("attempts"),
                Duration(retries?["perTryTimeout"], m, diagnostics),
                retries?.List("on")?.Items.Select(i => i.Text ?? "").ToList() ?? [],
                m.At(c)));
        }
        foreach (var p in root.Maps("produces"))
        {
            if (p.Str("topic") is { } topic)
            {
                topics.Add(new TopicAssumption(topic, true, p.Str("key"), m.At(p)) { Schema = p.Str("schema") });
            }
        }
        return new ServiceAssumptions(name, ns ?? (m.Root.Map("metadata")?.Str("namespace") is { } mns ? mns : null), m.Location,
            provides?.Str("openapi"), provides?.Str("asyncapi"), Duration(provides?["latencyP99"], m, diagnostics), calls, topics);
    }

    /// <summary>The expectations an Assumptions document states about the services it consumes.</summary>
    public static IEnumerable<ConsumerExpectation> Expectations(Manifest m)
    {
        var consumer = m.Root.Str("service");
        if (consumer is null)
        {
            yield break;
        }
        foreach (var c in m.Root.Maps("consumes"))
        {
            if (c.Str("service") is not { } target)
            {
                continue;
            }
            var (tName, tNs) = SplitService(target, null);
            string? method = null;
            string? path = null;
            if (c.Str("operation") is { } op)
            {
                var space = op.IndexOf(' ');
                if (space > 0)
                {
                    method = op[..space].ToUpperInvariant();
                    path = op[(space + 1)..].Trim();
                }
            }
            var reads = c.List("reads")?.Items.Select(i => i.Text ?? "").Where(s => s.Length > 0).ToList() ?? [];
            var sends = c.List("sends")?.Items.Select(i => i.Text ?? "").Where(s => s.Length > 0).ToList() ?? [];
            if (path is not null)
            {
                // Query parameters written in the operation are parameters the consumer sends.
                var (bare, query) = ConsumerExpectation.SplitQuery(path);
                path = bare;
                sends.AddRange(query);
            }
            yield return new ConsumerExpectation(SplitService(consumer, null).Name, tName, tNs, method, path, reads, sends, ExpectationOrigin.Assumptions, m.At(c));
        }
    }

    /// <summary>"payment.pay" is Service payment in namespace pay.</summary>
    public static (string Name, string? Namespace) SplitService(string text, string? ns)
    {
        var dot = text.IndexOf('.');
        return dot > 0 ? (text[..dot], text[(dot + 1)..]) : (text, ns);
    }

    /// <summary>"250ms", "2s", "1m", "1.5s", "1m30s"; a diagnostic names the line when the text is not a duration.</summary>
    public static TimeSpan? Duration(Node? node, Manifest m, List<InputDiagnostic> diagnostics)
    {
        if (node is not ScalarNode { IsNull: false } s)
        {
            return null;
        }
        if (ParseDuration(s.Value) is { } d)
        {
            return d;
        }
        diagnostics.Add(new(DiagnosticLevel.Error, m.At(s), $"'{s.Value}' is not a duration (use e.g. 250ms, 2s, 1m30s)"));
        return null;
    }

    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }
            var factor = text[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => double.NaN,
            };
            if (double.IsNaN(factor))
            {
                return null;
            }
            total += value * factor;
        }
        return TimeSpan.FromSeconds(total);
    }
}
