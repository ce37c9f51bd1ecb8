using System.Text;
using System.Text.Json;
using Faultline.Core.Documents;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>One JSON document with schemaVersion 1: findings, summary and input diagnostics.</summary>
internal static class JsonReport
{
    public static string Render(CheckReport report)
    {
        return JsonText.Document(w =>
        {
            w.WriteStartObject("summary");
            w.WriteNumber("findings", report.Result.Findings.Count);
            foreach (var s in Enum.GetValues<Severity>().Reverse())
            {
                w.WriteNumber(s.Name(), report.Result.Count(s));
            }
            w.WriteNumber("suppressed", report.Result.Suppressed.Count);
            w.WriteNumber("objects", report.Input.Manifests.Count);
            w.WriteNumber("services", report.Model.Services.Count);
            w.WriteNumber("files", report.Input.FilesRead);
            w.WriteString("failOn", report.FailOnName);
            w.WriteNumber("failing", report.FailingCount);
            w.WriteBoolean("passed", report.FailingCount == 0);
            if (report.BaseLabel is { } baseLabel)
            {
                w.WriteString("base", baseLabel);
                w.WriteNumber("introduced", report.Result.Findings.Count(f => f.Change == "introduced"));
                w.WriteNumber("worse", report.Result.Findings.Count(f => f.Change == "worse"));
            }
            w.WriteEndObject();
            w.WriteStartArray("findings");
            foreach (var f in report.Result.Findings)
            {
                WriteFinding(w, f);
            }
            w.WriteEndArray();
            w.WriteStartArray("suppressed");
            foreach (var f in report.Result.Suppressed)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteString("file", Paths.Uri(f.Location.File));
                w.WriteNumber("line", f.Location.Line);
                w.WriteString("resource", $"{f.ResourceKind}/{f.ResourceName}");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteDiagnostics(w, report.Diagnostics);
            if (report.LockAttempts.Count > 0)
            {
                Faultline.Cli.Commands.ConfigCommand.WriteAttempts(w, report.LockAttempts);
            }
        });
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("severity", f.Severity.Name());
        if (f.Change is { } change)
        {
            w.WriteString("change", change);
        }
        w.WriteString("service", f.Service);
        w.WriteString("namespace", f.Namespace);
        w.WriteStartObject("resource");
        w.WriteString("kind", f.ResourceKind);
        w.WriteString("name", f.ResourceName);
        w.WriteEndObject();
        w.WriteString("file", Paths.Uri(f.Location.File));
        w.WriteNumber("line", f.Location.Line);
        w.WriteString("message", f.Message);
        w.WriteString("assumption", f.Assumption);
        w.WriteString("evidence", f.Evidence);
        w.WriteStartArray("blastRadius");
        foreach (var s in f.BlastRadius)
        {
            w.WriteStringValue(s);
        }
        w.WriteEndArray();
        w.WriteNumber("blastRadiusCount", f.BlastRadiusCount);
        w.WriteStartArray("blastPath");
        foreach (var s in f.BlastPath)
        {
            w.WriteStringValue(s);
        }
        w.WriteEndArray();
        w.WriteNumber("blastDepth", Math.Max(0, f.BlastPath.Count - 1));
        w.WriteString("remediation", f.Remediation);
        w.WriteEndObject();
    }

    internal static void WriteDiagnostics(Utf8JsonWriter w, IEnumerable<InputDiagnostic> diagnostics)
    {
        w.WriteStartArray("diagnostics");
        foreach (var d in diagnostics.Where(d => d.Level != DiagnosticLevel.Note))
        {
            w.WriteStartObject();
            w.WriteString("level", d.Level.ToString().ToLowerInvariant());
            w.WriteString("file", Paths.Uri(d.Location.File));
            w.WriteNumber("line", d.Location.Line);
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
