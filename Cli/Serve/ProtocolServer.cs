using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Xsave.Contract.Implementations;
using Xsave.Contract.Protocol;
using Xsave.Contract.Serialization;

namespace Xsave.Cli.Serve;

/// <summary>
/// The server side of docs/protocol.md for an implementation of this process ('serve'): one request line in, one
/// response line out, in order. Anything the implementation throws, and any request it cannot read, is answered as
/// an "error" value on that request's id; the server itself goes on until its input ends.
/// </summary>
public sealed class ProtocolServer(IXstateImplementation implementation)
{
    private readonly ServerState _state = new(implementation);

    public void Serve(TextReader input, TextWriter output)
    {
        while (input.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            output.Write(Handle(line));
            output.Write('\n');
            output.Flush();
        }
    }

    /// <summary>The response line (without its newline) to one request line.</summary>
    public string Handle(string line)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return Response(null, null, $"the request is not JSON: {e.Message}");
        }
        using (doc)
        {
            var request = doc.RootElement;
            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("id", out var id))
                return Response(null, null, "the request is not an object with an \"id\"");
            if (!request.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
                return Response(id, null, "the request has no \"method\" string");
            try
            {
                return Response(id, w => _state.Answer(method.GetString()!, request, w), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Response(id, null, $"{method.GetString()}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static string Response(JsonElement? id, Action<Utf8JsonWriter>? writeResult, string? error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping: error messages stay readable ('x', not \u0027x\u0027); JSON either way.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (id is { } value) value.WriteTo(w);
            else w.WriteNullValue();
            if (writeResult is not null)
            {
                w.WritePropertyName("result");
                writeResult(w);
            }
            else w.WriteString("error", error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The handshake this server sends: who it is and what it answers.</summary>
    internal static void WriteHello(IXstateImplementation implementation, Utf8JsonWriter w)
    {
        var caps = implementation.Capabilities;
        w.WriteStartObject();
        w.WriteNumber("protocol", ProtocolJson.Version);
        w.WriteString("name", implementation.Name);
        w.WriteString("description", implementation.Description);
        w.WriteStartArray("parts");
        foreach (var part in ProtocolJson.PartNames(caps.Parts)) w.WriteStringValue(part);
        w.WriteEndArray();
        w.WritePropertyName("fixed_cpu");
        if (caps.FixedCpu is { } cpu) CpuModelJson.Write(cpu).WriteTo(w);
        else w.WriteNullValue();
        w.WriteBoolean("observes_internal_state", caps.ObservesInternalState);
        if (caps.FixedMachine is { } machine)
        {
            w.WritePropertyName("fixed_machine");
            JsonSerializer.Serialize(w, machine, ProtocolJson.Options);
        }
        w.WriteEndObject();
    }
}
