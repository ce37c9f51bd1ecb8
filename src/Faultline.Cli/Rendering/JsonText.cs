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
}
