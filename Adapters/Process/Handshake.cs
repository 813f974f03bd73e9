using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Protocol;
using Xsave.Contract.Serialization;

namespace Xsave.Adapters.Process;

/// <summary>What the child says about itself in answer to "hello" (docs/protocol.md, "Handshake").</summary>
internal sealed record Handshake(string Name, string Description, ImplementationCapabilities Capabilities)
{
    /// <summary>Reads the "hello" result; a problem is a message naming the field.</summary>
    public static bool TryRead(JsonElement result, out Handshake? handshake, out string? error)
    {
        handshake = null;
        error = null;
        if (result.ValueKind != JsonValueKind.Object) { error = "the hello result is not an object"; return false; }
        if (!result.TryGetProperty("protocol", out var version) || !version.TryGetInt32(out var v) || v != ProtocolJson.Version)
        {
            error = $"protocol: the runner speaks version {ProtocolJson.Version}, the child answered {(version.ValueKind == JsonValueKind.Undefined ? "none" : version.GetRawText())}";
            return false;
        }
        if (!result.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } nameText)
        {
            error = "name: missing or not a non-empty string";
            return false;
        }
        var parts = ContractPart.None;
        if (!result.TryGetProperty("parts", out var list) || list.ValueKind != JsonValueKind.Array) { error = "parts: missing or not an array"; return false; }
        foreach (var item in list.EnumerateArray())
        {
            if (ProtocolJson.PartNamed(item.ValueKind == JsonValueKind.String ? item.GetString() : null) is not { } part)
            {
                error = $"parts: {item.GetRawText()} is not one of {string.Join(", ", ProtocolJson.Parts.Select(p => p.Name))}";
                return false;
            }
            parts |= part;
        }
        CpuModel? fixedCpu = null;
        if (result.TryGetProperty("fixed_cpu", out var cpu) && cpu.ValueKind != JsonValueKind.Null)
        {
            if (!CpuModelJson.TryRead(cpu, out fixedCpu, out var cpuError)) { error = "fixed_cpu: " + cpuError; return false; }
        }
        FixedMachine? machine = null;
        if (result.TryGetProperty("fixed_machine", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadMachine(m, out machine, out var machineError)) { error = "fixed_machine: " + machineError; return false; }
        }
        bool observes = result.TryGetProperty("observes_internal_state", out var o) && o.ValueKind == JsonValueKind.True;
        var description = result.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : nameText;
        handshake = new Handshake(nameText, description, new ImplementationCapabilities(parts, fixedCpu, observes, machine));
        return true;
    }

    /// <summary>"fixed_machine": {"Xcr0": mask, "Cpl": n, "Cr4Osxsave": bool, "Cr0Ts": bool, "Xfd": mask,
    /// "MemoryGranularity": n, "InitReset": bool} (docs/protocol.md).</summary>
    private static bool TryReadMachine(JsonElement m, out FixedMachine? machine, out string? error)
    {
        machine = null;
        error = null;
        if (m.ValueKind != JsonValueKind.Object) { error = "not an object"; return false; }
        try
        {
            machine = m.Deserialize<FixedMachine>(ProtocolJson.Options);
        }
        catch (JsonException e)
        {
            error = e.Message;
            return false;
        }
        if (machine is null) { error = "null"; return false; }
        if (!m.TryGetProperty("Xcr0", out _) || !m.TryGetProperty("Cpl", out _)) { error = "Xcr0 and Cpl are required"; return false; }
        if (machine.Cpl is < 0 or > 3) { error = $"Cpl {machine.Cpl} is not 0..3"; return false; }
        if (machine.MemoryGranularity is < 1 or > 4096) { error = $"MemoryGranularity {machine.MemoryGranularity} is not 1..4096"; return false; }
        return true;
    }
}
