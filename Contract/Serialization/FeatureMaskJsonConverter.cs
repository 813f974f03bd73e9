using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xsave.Contract.Serialization;

/// <summary>Masks travel as lowercase hex strings ("0x2e7"), the notation of every report and regression file.</summary>
public sealed class FeatureMaskJsonConverter : JsonConverter<FeatureMask>
{
    public override FeatureMask Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && FeatureMask.TryParseHex(reader.GetString(), out var mask)) return mask;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var bits)) return new FeatureMask(bits);
        throw new JsonException($"a feature mask must be a hex string such as \"0x2e7\", found {reader.TokenType}");
    }

    public override void Write(Utf8JsonWriter writer, FeatureMask value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToHex());
}
