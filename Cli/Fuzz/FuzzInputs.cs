using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Properties;

namespace Xsave.Cli.Fuzz;

/// <summary>A hostile input file: which corpus file it was made from (for people) and its text.</summary>
public sealed record FuzzText(string Origin, string Text)
{
    public override string ToString() => $"{Origin} mutated to {Text.Length} chars: {Preview(Text)}";

    public static string Preview(string text) =>
        Printable(text.Length <= 160 ? text : text[..120] + $" ...({text.Length - 160} more)... " + text[^40..]);

    public static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}

/// <summary>A hostile command line (paths in it point into the case's sandbox, written "{sandbox}").</summary>
public sealed record FuzzArgs(IReadOnlyList<string> Args)
{
    public override string ToString() => string.Join(" ", Args.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{FuzzText.Printable(a)}'" : FuzzText.Printable(a)));
}

/// <summary>The regression-file form of the fuzz inputs: plain JSON strings, so a found case replays by value.</summary>
public sealed class FuzzCodecs : IInputCodec<FuzzText>, IInputCodec<FuzzArgs>
{
    public static FuzzCodecs Instance { get; } = new();

    public JsonNode Encode(FuzzText input) => new JsonObject { ["origin"] = input.Origin, ["text"] = input.Text };

    public bool TryDecode(JsonElement json, out FuzzText? input, out string? error)
    {
        input = null;
        error = null;
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
        {
            input = new FuzzText(json.TryGetProperty("origin", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "?", t.GetString()!);
            return true;
        }
        error = "expected {\"origin\": ..., \"text\": \"...\"}";
        return false;
    }

    public JsonNode Encode(FuzzArgs input) => new JsonObject { ["args"] = new JsonArray(input.Args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()) };

    public bool TryDecode(JsonElement json, out FuzzArgs? input, out string? error)
    {
        input = null;
        error = null;
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Array &&
            a.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String))
        {
            input = new FuzzArgs(a.EnumerateArray().Select(x => x.GetString()!).ToList());
            return true;
        }
        error = "expected {\"args\": [\"...\"]}";
        return false;
    }
}
