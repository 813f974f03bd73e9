using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xsave.Contract.Serialization;

/// <summary>
/// Byte runs (register images, XSAVE buffers) as base64 strings, as byte[] already travels: a 4 KiB buffer is one
/// short string instead of 4096 numbers. Used by the process protocol (<see cref="Protocol.ProtocolJson"/>).
/// </summary>
public sealed class ImmutableBytesJsonConverter : JsonConverter<ImmutableArray<byte>>
{
    public override ImmutableArray<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetBytesFromBase64(out var bytes)) return ImmutableArray.Create(bytes);
        throw new JsonException($"bytes must be a base64 string, found {reader.TokenType}");
    }

    public override void Write(Utf8JsonWriter writer, ImmutableArray<byte> value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(value.IsDefault ? [] : value.AsSpan());
}
