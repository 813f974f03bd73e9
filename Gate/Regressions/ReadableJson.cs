using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xsave.Gate.Regressions;

/// <summary>
/// Indented JSON for people: objects one member per line, arrays of plain values on one line (a CPUID sub-leaf's
/// four registers stay together), non-ASCII text unescaped. Valid JSON; parses back to the same value.
/// </summary>
public static class ReadableJson
{
    private static readonly JsonSerializerOptions Scalar = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode? node, string indent = "")
    {
        var text = new StringBuilder();
        Append(node, indent, text);
        return text.ToString();
    }

    private static void Append(JsonNode? node, string indent, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                text.Append("{\n");
                int i = 0;
                foreach (var (key, value) in o)
                {
                    text.Append(indent).Append("  ").Append(JsonSerializer.Serialize(key, Scalar)).Append(": ");
                    Append(value, indent + "  ", text);
                    text.Append(++i < o.Count ? ",\n" : "\n");
                }
                text.Append(indent).Append('}');
                break;
            case JsonArray a when a.Any(x => x is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }):
                text.Append("[\n");
                for (int j = 0; j < a.Count; j++)
                {
                    text.Append(indent).Append("  ");
                    Append(a[j], indent + "  ", text);
                    text.Append(j + 1 < a.Count ? ",\n" : "\n");
                }
                text.Append(indent).Append(']');
                break;
            case JsonArray a:
                text.Append('[').Append(string.Join(", ", a.Select(x => x?.ToJsonString(Scalar) ?? "null"))).Append(']');
                break;
            default:
                text.Append(node?.ToJsonString(Scalar) ?? "null");
                break;
        }
    }
}
