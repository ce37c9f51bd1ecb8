using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Faultline.Core.Findings;
using Faultline.Cli.Commands;
using Faultline.Core.Rules;

namespace Faultline.Cli.Rendering;

/// <summary>SARIF 2.1.0 as GitHub code scanning accepts it: rules with help, results with physical locations.</summary>
internal static class SarifReport
{
    public static string Render(CheckReport report)
    {
        var rules = RuleCatalog.Builtin.Rules.Select(r => r.Info).ToList();
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i);
        return JsonText.Render(w =>
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "faultline");
            w.WriteString("semanticVersion", CheckReport.Version);
            w.WriteString("informationUri", "https://github.com/faultline-dev/faultline");
            w.WriteStartArray("rules");
            foreach (var r in rules)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("name", Pascal(r.Id));
                w.WriteStartObject("shortDescription");
                w.WriteString("text", r.Title);
                w.WriteEndObject();
                w.WriteStartObject("fullDescription");
                w.WriteString("text", r.Description);
                w.WriteEndObject();
                w.WriteStartObject("help");
                w.WriteString("text", $"{r.Description}\n\nFix: {r.Remediation}");
                w.WriteString("markdown", $"{RulesCommand.Flatten(r.Documentation)}\n\n**Fix:** {r.Remediation}");
                w.WriteEndObject();
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", Level(r.DefaultSeverity));
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteStartArray("tags");
                w.WriteStringValue(r.Area);
                w.WriteStringValue("reliability");
                w.WriteEndArray();
                w.WriteString("problem.severity", Level(r.DefaultSeverity) == "note" ? "recommendation" : Level(r.DefaultSeverity));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var f in report.Result.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteNumber("ruleIndex", index[f.RuleId]);
                w.WriteString("level", Level(f.Severity));
                w.WriteStartObject("message");
                w.WriteString("text", $"{f.Message}. Assumption: {f.Assumption}. Evidence: {f.Evidence}." +
                    (f.BlastRadius.Count > 0 ? $" Blast radius: {TextReport.BlastRadius(f)}." : ""));
                w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                w.WriteStartObject("artifactLocation");
                w.WriteString("uri", Paths.Uri(Paths.FileOnly(f.Location.File)));
                w.WriteEndObject();
                w.WriteStartObject("region");
                w.WriteNumber("startLine", Math.Max(1, f.Location.Line));
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("partialFingerprints");
                w.WriteString("faultline/v1", Fingerprint(f));
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteString("severity", f.Severity.Name());
                w.WriteString("service", f.Service);
                w.WriteString("namespace", f.Namespace);
                w.WriteString("resource", $"{f.ResourceKind}/{f.ResourceName}");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static string Level(Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static string Pascal(string id) =>
        string.Concat(id.Split('.', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>Stable across line moves: rule, namespace, resource and message, so code scanning tracks one alert.</summary>
    private static string Fingerprint(Finding f) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{f.RuleId}|{f.Namespace}|{f.ResourceKind}/{f.ResourceName}|{f.Message}")))[..32];
}
