using System.Text;
using System.Text.Json;
using Faultline.Core.Documents;

namespace Faultline.Cli.Rendering;

internal static class GraphRenderer
{
    public static string Mermaid(ServiceGraph graph)
    {
        var sb = new StringBuilder("flowchart LR\n");
        var ids = graph.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => $"n{x.i}");
        foreach (var n in graph.Nodes)
        {
            var label = n.Kind == "Service" ? n.Name : $"{n.Name} ({n.Kind})";
            sb.Append($"  {ids[n.Id]}[\"{n.Namespace}/{label}{(n.Missing ? " (missing)" : "")}\"]\n");
        }
        var linkIndex = 0;
        var broken = new List<int>();
        var added = new List<int>();
        foreach (var e in graph.Edges)
        {
            var label = Label(e);
            var ports = label.Length > 0 ? $"|\"{label}\"|" : "";
            var arrow = e.Change == "removed" || e.Declared ? "-.->" : "-->";
            sb.Append($"  {ids[e.From]} {arrow}{ports} {ids[e.To]}\n");
            if (e.Broken || e.Change == "removed")
            {
                broken.Add(linkIndex);
            }
            else if (e.Change is "added" or "changed")
            {
                added.Add(linkIndex);
            }
            linkIndex++;
        }
        foreach (var n in graph.Nodes.Where(n => n.Missing))
        {
            sb.Append($"  style {ids[n.Id]} stroke:#d00,stroke-dasharray:4\n");
        }
        if (broken.Count > 0)
        {
            sb.Append($"  linkStyle {string.Join(",", broken)} stroke:#d00\n");
        }
        if (added.Count > 0)
        {
            sb.Append($"  linkStyle {string.Join(",", added)} stroke:#07a\n");
        }
        return sb.ToString();
    }

    /// <summary>Ports, "declared" for a call only a faultline.yaml, pact or Backstage entry states, and the change.</summary>
    private static string Label(ServiceGraph.GraphEdge e) =>
        string.Join(" ", new[] { e.Ports.Count > 0 ? string.Join(",", e.Ports) : null, e.Declared ? "declared" : null, e.Change }.OfType<string>());

    public static string Dot(ServiceGraph graph)
    {
        var sb = new StringBuilder("digraph faultline {\n  rankdir=LR;\n  node [shape=box];\n");
        foreach (var n in graph.Nodes)
        {
            var style = n.Missing ? ", style=dashed, color=red" : n.Kind != "Service" ? ", shape=ellipse" : "";
            sb.Append($"  \"{n.Id}\" [label=\"{n.Namespace}/{n.Name}{(n.Missing ? "\\n(missing)" : "")}\"{style}];\n");
        }
        foreach (var e in graph.Edges)
        {
            var text = Label(e);
            var attributes = new List<string>();
            if (text.Length > 0)
            {
                attributes.Add($"label=\"{text}\"");
            }
            if (e.Broken || e.Change == "removed")
            {
                attributes.Add("color=red");
            }
            else if (e.Change is "added" or "changed")
            {
                attributes.Add("color=blue");
            }
            if (e.Change == "removed")
            {
                attributes.Add("style=dashed");
            }
            else if (e.Declared)
            {
                attributes.Add("style=dotted");
            }
            sb.Append($"  \"{e.From}\" -> \"{e.To}\" [{string.Join(", ", attributes)}];\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    public static string Json(ServiceGraph graph, IEnumerable<InputDiagnostic> diagnostics)
    {
        return JsonText.Render(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteStartArray("nodes");
            foreach (var n in graph.Nodes)
            {
                w.WriteStartObject();
                w.WriteString("id", n.Id);
                w.WriteString("namespace", n.Namespace);
                w.WriteString("name", n.Name);
                w.WriteString("kind", n.Kind);
                w.WriteBoolean("missing", n.Missing);
                w.WriteStartArray("workloads");
                foreach (var wl in n.Workloads)
                {
                    w.WriteStringValue(wl);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("edges");
            foreach (var e in graph.Edges)
            {
                w.WriteStartObject();
                w.WriteString("from", e.From);
                w.WriteString("to", e.To);
                w.WriteStartArray("ports");
                foreach (var p in e.Ports)
                {
                    w.WriteNumberValue(p);
                }
                w.WriteEndArray();
                w.WriteBoolean("broken", e.Broken);
                w.WriteBoolean("declared", e.Declared);
                if (e.Change is { } change)
                {
                    w.WriteString("change", change);
                }
                w.WriteStartArray("evidence");
                foreach (var ev in e.Evidence)
                {
                    w.WriteStartObject();
                    w.WriteString("source", ev.Source);
                    w.WriteString("value", ev.Value);
                    w.WriteString("file", Paths.Uri(ev.Location.File));
                    w.WriteNumber("line", ev.Location.Line);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            JsonReport.WriteDiagnostics(w, diagnostics);
            w.WriteEndObject();
        });
    }
}
