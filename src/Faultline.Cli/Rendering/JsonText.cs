using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Faultline.Cli.Rendering;

/// <summary>Every JSON document Faultline prints: indented, readable characters unescaped, ending with a newline.</summary>
internal static class JsonText
{
    public static string Render(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(w);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A top-level document: schemaVersion 1 and the tool's name and version, then the command's own fields.</summary>
    public static string Document(Action<Utf8JsonWriter> fields) => Render(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        w.WriteStartObject("tool");
        w.WriteString("name", "faultline");
        w.WriteString("version", CheckReport.Version);
        w.WriteEndObject();
        fields(w);
        w.WriteEndObject();
    });
}
