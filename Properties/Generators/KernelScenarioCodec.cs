using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;

namespace Xsave.Properties.Generators;

/// <summary>
/// A scenario as JSON: the CPU (registers and origin), the kernel configuration, and the operations as the contract's
/// JSON records ({"op": "arch_prctl", ...}) with a human-readable line beside each.
/// </summary>
public sealed class KernelScenarioCodec : IInputCodec<KernelScenario>
{
    public static KernelScenarioCodec Instance { get; } = new();

    public static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() } };

    public JsonNode Encode(KernelScenario s)
    {
        var ops = new JsonArray();
        foreach (var op in s.Ops)
        {
            var node = JsonSerializer.SerializeToNode<KernelOp>(op, Options)!.AsObject();
            node["text"] = OpText.Describe(op);
            ops.Add(node);
        }
        return new JsonObject
        {
            ["cpu"] = InputCodecs.EncodeCpu(s.Cpu),
            ["config"] = JsonSerializer.SerializeToNode(s.Config, Options),
            ["ops"] = ops,
        };
    }

    public bool TryDecode(JsonElement e, out KernelScenario? s, out string? error)
    {
        s = null;
        error = null;
        if (!e.TryGetProperty("cpu", out var c)) { error = "cpu: missing"; return false; }
        if (!InputCodecs.TryDecodeCpu(c, out var cpu, out error)) return false;
        try
        {
            var config = e.TryGetProperty("config", out var cfg) ? cfg.Deserialize<KernelConfig>(Options) ?? KernelConfig.Default : KernelConfig.Default;
            if (!e.TryGetProperty("ops", out var opsJson) || opsJson.ValueKind != JsonValueKind.Array) { error = "ops: expected an array"; return false; }
            var ops = new List<KernelOp>();
            int n = 0;
            foreach (var item in opsJson.EnumerateArray())
            {
                var op = item.Deserialize<KernelOp>(Options);
                if (op is null) { error = $"ops[{n}]: empty"; return false; }
                ops.Add(op);
                n++;
            }
            s = new KernelScenario(cpu!, config, ops);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            error = "scenario: " + ex.Message;
            return false;
        }
    }
}
