using System.Text;
using System.Text.Json;
using Faultline.Core.Environments;
using Faultline.Core.Findings;

namespace Faultline.Cli.Rendering;

/// <summary>One JSON document with schemaVersion 1: both environments, a summary, differences, expected ones, diagnostics.</summary>
internal static class EnvDiffJson
{
    public static string Render(EnvDiffReport report)
    {
        var r = report.Result;
        return JsonText.Document(w =>
        {
            Environment(w, "a", r.LabelA, report.A.Argument, report.ObjectsA);
            Environment(w, "b", r.LabelB, report.B.Argument, report.ObjectsB);
            w.WriteStartObject("namespaceMap");
            foreach (var (from, to) in r.NamespaceMap.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(from, to);
            }
            w.WriteEndObject();
            w.WriteStartObject("summary");
            w.WriteNumber("differences", r.Differences.Count);
            foreach (var s in Enum.GetValues<Severity>().Reverse())
            {
                w.WriteNumber(s.Name(), r.Count(s));
            }
            w.WriteNumber("expected", r.Expected.Count);
            w.WriteNumber("matched", r.Matched);
            w.WriteNumber("onlyInA", r.OnlyInA);
            w.WriteNumber("onlyInB", r.OnlyInB);
            if (report.ExpectedFile is { } file)
            {
                w.WriteString("expectedFile", Paths.Uri(file));
            }
            else
            {
                w.WriteNull("expectedFile");
            }
            w.WriteString("failOn", report.FailOnName);
            w.WriteNumber("failing", report.FailingCount);
            w.WriteBoolean("passed", report.FailingCount == 0);
            w.WriteEndObject();
            w.WriteStartArray("differences");
            foreach (var d in r.Differences)
            {
                Difference(w, d);
            }
            w.WriteEndArray();
            w.WriteStartArray("expected");
            foreach (var e in r.Expected)
            {
                w.WriteStartObject();
                w.WriteString("id", e.Difference.Id);
                w.WriteString("class", e.Difference.Class.Name());
                w.WriteString("severity", e.Difference.Severity.Name());
                w.WriteString("summary", e.Difference.Summary);
                w.WriteString("because", e.Because);
                w.WriteString("file", Paths.Uri(e.Where.File));
                w.WriteNumber("line", e.Where.Line);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            JsonReport.WriteDiagnostics(w, report.Diagnostics);
        });
    }

    private static void Environment(Utf8JsonWriter w, string name, string label, string input, int objects)
    {
        w.WriteStartObject(name);
        w.WriteString("label", label);
        w.WriteString("input", input);
        w.WriteNumber("objects", objects);
        w.WriteEndObject();
    }

    private static void Difference(Utf8JsonWriter w, EnvDifference d)
    {
        w.WriteStartObject();
        w.WriteString("id", d.Id);
        w.WriteString("class", d.Class.Name());
        w.WriteString("severity", d.Severity.Name());
        w.WriteStartObject("object");
        w.WriteString("kind", d.Kind);
        w.WriteString("namespace", d.Namespace);
        w.WriteString("name", d.Name);
        w.WriteEndObject();
        if (d.Scope is { } scope)
        {
            w.WriteString("scope", scope);
        }
        else
        {
            w.WriteNull("scope");
        }
        w.WriteString("field", d.Field);
        Side(w, "a", d.A);
        Side(w, "b", d.B);
        w.WriteString("summary", d.Summary);
        w.WriteString("risk", d.Risk);
        w.WriteEndObject();
    }

    private static void Side(Utf8JsonWriter w, string name, EnvValue v)
    {
        w.WriteStartObject(name);
        if (v.Shown is { } shown)
        {
            w.WriteString("value", shown);
        }
        else
        {
            w.WriteNull("value");
        }
        if (v.Location is { } where)
        {
            w.WriteString("file", Paths.Uri(Paths.FileOnly(where.File)));
            w.WriteNumber("line", where.Line);
        }
        else
        {
            w.WriteNull("file");
            w.WriteNull("line");
        }
        w.WriteEndObject();
    }
}
