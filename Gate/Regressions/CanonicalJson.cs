using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xsave.Gate.Regressions;

/// <summary>
/// One spelling per JSON value: object keys sorted (ordinal), no whitespace. Two inputs are the same case exactly
/// when their canonical forms are equal, and a regression file is named by a hash of it.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode? node) => Sorted(node)?.ToJsonString(Compact) ?? "null";

    /// <summary>The first <paramref name="hexDigits"/> lowercase hex digits of SHA-256 over the canonical UTF-8 text.</summary>
    public static string Hash(JsonNode? node, int hexDigits = 10) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Write(node))))[..hexDigits];

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, Sorted(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}
