using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// JSON forms of the instruction-law inputs: the CPU (registers authoritative, as <see cref="InputCodecs"/>), the
/// machine state and the operation as the contract serializes them (memory bytes included), and, for people, a one-line
/// description and how the memory operand was made.
/// </summary>
public static class InstructionCodecs
{
    public static IInputCodec<InstructionCase> Case { get; } = new CaseCodec();
    public static IInputCodec<RoundTripCase> RoundTrip { get; } = new RoundTripCodec();

    public static readonly JsonSerializerOptions Json = new() { AllowOutOfOrderMetadataProperties = true };

    public static JsonNode? EncodeState(MachineState state) => JsonSerializer.SerializeToNode(state, Json);

    public static bool TryDecodeState(JsonElement e, string field, CpuModel cpu, out MachineState? state, out string? error)
    {
        state = null;
        error = null;
        if (!e.TryGetProperty(field, out var s) || s.ValueKind != JsonValueKind.Object) { error = $"{field}: missing"; return false; }
        try
        {
            state = s.Deserialize<MachineState>(Json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            error = $"{field}: {ex.Message}";
            return false;
        }
        if (state is null) { error = $"{field}: null"; return false; }
        var problems = state.ShapeProblems(cpu);
        if (problems.Count > 0) { error = $"{field}: does not fit the CPU: {string.Join("; ", problems)}"; state = null; return false; }
        return true;
    }

    private sealed class CaseCodec : IInputCodec<InstructionCase>
    {
        public JsonNode Encode(InstructionCase x)
        {
            var o = new JsonObject
            {
                ["description"] = x.ToString(),
                ["cpu"] = InputCodecs.EncodeCpu(x.Cpu),
                ["state"] = EncodeState(x.State),
                ["operation"] = JsonSerializer.SerializeToNode(x.Operation, Json),
            };
            if (x.Buffer is { } spec) o["memory_recipe"] = spec.ToString();
            return o;
        }

        public bool TryDecode(JsonElement e, out InstructionCase? x, out string? error)
        {
            x = null;
            if (!e.TryGetProperty("cpu", out var c)) { error = "cpu: missing"; return false; }
            if (!InputCodecs.TryDecodeCpu(c, out var cpu, out error)) return false;
            if (!TryDecodeState(e, "state", cpu!.Cpu, out var state, out error)) return false;
            if (!e.TryGetProperty("operation", out var op) || op.ValueKind != JsonValueKind.Object) { error = "operation: missing"; return false; }
            ArchOperation? operation;
            try
            {
                operation = op.Deserialize<ArchOperation>(Json);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                error = $"operation: {ex.Message}";
                return false;
            }
            if (operation is null || operation is XsaveFamilyOp { Memory: null }) { error = "operation: incomplete"; return false; }
            x = new InstructionCase(cpu, state!, operation);
            return true;
        }
    }

    private sealed class RoundTripCodec : IInputCodec<RoundTripCase>
    {
        public JsonNode Encode(RoundTripCase x) => new JsonObject
        {
            ["description"] = x.ToString(),
            ["cpu"] = InputCodecs.EncodeCpu(x.Cpu),
            ["mask"] = InputCodecs.EncodeMask(x.Mask),
            ["source"] = EncodeState(x.Source),
            ["target"] = EncodeState(x.Target),
        };

        public bool TryDecode(JsonElement e, out RoundTripCase? x, out string? error)
        {
            x = null;
            if (!e.TryGetProperty("cpu", out var c)) { error = "cpu: missing"; return false; }
            if (!InputCodecs.TryDecodeCpu(c, out var cpu, out error)) return false;
            if (!InputCodecs.TryDecodeMask(e, "mask", out var mask, out error)) return false;
            if (!TryDecodeState(e, "source", cpu!.Cpu, out var source, out error)) return false;
            if (!TryDecodeState(e, "target", cpu.Cpu, out var target, out error)) return false;
            x = new RoundTripCase(cpu, source!, target!, mask);
            return true;
        }
    }
}
