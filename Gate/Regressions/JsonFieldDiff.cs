using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xsave.Gate.Regressions;

/// <summary>One leaf field of two answers side by side: its path ("Placements[3].Offset") and both values as text.</summary>
public sealed record FieldRow(string Path, string? Expected, string? Observed)
{
    public bool Differs => Expected != Observed;
}

/// <summary>
/// Lines two JSON answers up leaf by leaf so the fields that differ can be highlighted. A field missing on one side
/// has a null value there. Rows follow the expected answer's order, then fields only the observed one has.
/// </summary>
public static class JsonFieldDiff
{
    public static IReadOnlyList<FieldRow> Compare(JsonNode? expected, JsonNode? observed)
    {
        var left = Flatten(expected);
        var right = Flatten(observed);
        var paths = left.Keys.Concat(right.Keys.Where(k => !left.ContainsKey(k))).ToList();
        return paths.Select(p => new FieldRow(p, left.GetValueOrDefault(p), right.GetValueOrDefault(p))).ToList();
    }

    private static Dictionary<string, string> Flatten(JsonNode? node)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(node, "", leaves);
        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (key, value) in o) Walk(value, path.Length == 0 ? key : $"{path}.{key}", leaves);
                break;
            case JsonArray a when a.Count > 0:
                for (int i = 0; i < a.Count; i++) Walk(a[i], $"{path}[{i}]", leaves);
                break;
            default:
                leaves[path.Length == 0 ? "(answer)" : path] = Text(node);
                break;
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
