using System.Text;
using System.Text.Json;
using Faultline.Core.Documents;
using Faultline.Core.Upgrade;

namespace Faultline.Cli.Rendering;

/// <summary>The upgrade plan for automation: one JSON document, schemaVersion 1, one entry per step.</summary>
internal static class UpgradeJson
{
    public static string Render(UpgradeReport report)
    {
        var plan = report.Plan;
        return JsonText.Document(w =>
        {
            w.WriteString("from", plan.From.ToString());
            w.WriteString("to", plan.To.ToString());
            w.WriteString("lastKnownRelease", plan.LastKnownRelease.ToString());
            w.WriteString("addonDataAsOf", plan.AddonDataAsOf);
            w.WriteStartObject("summary");
            w.WriteNumber("steps", plan.Steps.Count);
            // Each thing to fix counts once, although a drain blocker, say, appears in every step.
            w.WriteNumber("problems", report.Problems);
            w.WriteNumber("removed", plan.ProblemsOf("removed"));
            w.WriteNumber("blockers", plan.ProblemsOf("blocker"));
            w.WriteNumber("skewViolations", plan.ProblemsOf("skew"));
            w.WriteNumber("addonsUnsupported", plan.ProblemsOf("addon"));
            w.WriteNumber("chartsExcluding", plan.ProblemsOf("chart"));
            w.WriteNumber("deprecated", plan.Steps.SelectMany(s => s.Deprecated).Select(d => d.Object.Location).Distinct().Count());
            w.WriteBoolean("passed", plan.Passed);
            w.WriteNumber("objects", report.Input.Manifests.Count);
            w.WriteNumber("files", report.Input.FilesRead);
            w.WriteEndObject();
            w.WriteStartArray("steps");
            foreach (var step in plan.Steps)
            {
                Step(w, step);
            }
            w.WriteEndArray();
            JsonReport.WriteDiagnostics(w, report.Input.Diagnostics);
        });
    }

    private static void Step(Utf8JsonWriter w, UpgradeStep step)
    {
        w.WriteStartObject();
        w.WriteString("from", step.From.ToString());
        w.WriteString("to", step.To.ToString());
        w.WriteNumber("problems", step.Problems);
        w.WriteStartArray("removed");
        foreach (var r in step.Removed)
        {
            w.WriteStartObject();
            Object(w, r.Object);
            Api(w, r.Api);
            w.WriteString("migrate", r.Timing switch
            {
                MigrationTiming.BeforeUpgrade => "before-upgrade",
                MigrationTiming.WithUpgrade => "with-upgrade",
                MigrationTiming.NoReplacement => "no-replacement",
                _ => "already-unserved",
            });
            Nullable(w, "caveat", r.Caveat);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("deprecated");
        foreach (var d in step.Deprecated)
        {
            w.WriteStartObject();
            Object(w, d.Object);
            Api(w, d.Api);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var n in step.Notes)
        {
            w.WriteStartObject();
            w.WriteString("type", n.Type == NoteType.Removed ? "removed" : "deprecated");
            w.WriteString("apiVersion", n.Api.ApiVersion);
            w.WriteString("kind", n.Api.Kind);
            w.WriteBoolean("inInput", n.InInput);
            Api(w, n.Api);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("blockers");
        foreach (var b in step.Blockers)
        {
            w.WriteStartObject();
            w.WriteString("type", b.Type == BlockerType.PdbBlocksDrain ? "pdb-blocks-drain" : "single-replica");
            Object(w, b.Object);
            w.WriteString("message", b.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("skew");
        foreach (var k in step.Skew)
        {
            w.WriteStartObject();
            w.WriteString("component", k.Component);
            w.WriteString("policy", k.Policy);
            Nullable(w, "version", k.Version?.ToString());
            w.WriteString("status", k.Status switch { SkewStatus.Ok => "ok", SkewStatus.Violation => "violation", _ => "guidance" });
            w.WriteString("message", k.Message);
            w.WriteStartArray("sources");
            foreach (var s in k.Sources)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                if (s.Location is { } l)
                {
                    Location(w, l);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("addons");
        foreach (var a in step.Addons)
        {
            w.WriteStartObject();
            w.WriteString("addon", a.Addon);
            w.WriteString("image", a.Image);
            Nullable(w, "version", a.Line);
            w.WriteStartArray("supportedKubernetes");
            foreach (var v in a.Release?.Kubernetes ?? [])
            {
                w.WriteStringValue(v.ToString());
            }
            w.WriteEndArray();
            w.WriteString("status", a.Status switch { AddonStatus.Supported => "supported", AddonStatus.Unsupported => "unsupported", _ => "unknown" });
            Nullable(w, "firstSupporting", a.FirstSupporting);
            w.WriteString("source", a.Source);
            w.WriteString("message", a.Message);
            w.WriteStartObject("workload");
            Object(w, a.Workload);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("charts");
        foreach (var c in step.Charts)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Chart.Name);
            Nullable(w, "version", c.Chart.Version);
            Nullable(w, "kubeVersion", c.Chart.KubeVersion);
            Location(w, c.Chart.Location);
            w.WriteString("owner", c.Chart.Owner);
            w.WriteString("status", c.Status switch
            {
                ChartStatus.Allows => "allows",
                ChartStatus.Excludes => "excludes",
                ChartStatus.NoConstraint => "no-constraint",
                _ => "invalid",
            });
            w.WriteString("message", c.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("checklist");
        foreach (var item in step.Checklist)
        {
            w.WriteStartObject();
            w.WriteString("phase", item.Phase.ToString().ToLowerInvariant());
            w.WriteString("owner", item.Owner);
            w.WriteString("text", item.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("rollback", step.Rollback);
        w.WriteEndObject();
    }

    private static void Object(Utf8JsonWriter w, ObjectRef o)
    {
        w.WriteString("kind", o.Kind);
        w.WriteString("name", o.Name);
        Nullable(w, "namespace", o.Namespace);
        w.WriteString("apiVersion", o.ApiVersion);
        Location(w, o.Location);
        w.WriteString("owner", o.Owner);
    }

    private static void Api(Utf8JsonWriter w, ApiLifecycleEntry api)
    {
        w.WriteString("deprecatedIn", api.DeprecatedIn.ToString());
        Nullable(w, "removedIn", api.RemovedIn?.ToString());
        Nullable(w, "replacement", api.Replacement);
        Nullable(w, "replacementKind", api.ReplacementKind);
        Nullable(w, "replacementAvailableIn", api.ReplacementAvailableIn?.ToString());
        w.WriteString("notes", api.Notes);
    }

    private static void Location(Utf8JsonWriter w, SourceLocation l)
    {
        w.WriteString("file", Paths.Uri(l.File));
        w.WriteNumber("line", l.Line);
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
