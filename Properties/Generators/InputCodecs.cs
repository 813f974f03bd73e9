using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Contract;
using Xsave.Contract.Serialization;

namespace Xsave.Properties.Generators;

/// <summary>JSON forms of the law inputs: readable (hex masks with names, the CPU's registers) and complete.</summary>
public static class InputCodecs
{
    public static IInputCodec<CpuAndMask> CpuAndMask { get; } = new CpuAndMaskCodec();
    public static IInputCodec<CpuAndNestedMasks> CpuAndNestedMasks { get; } = new NestedCodec();

    public static JsonObject EncodeCpu(CpuCase c)
    {
        var o = new JsonObject { ["origin"] = c.ToString(), ["model"] = CpuModelJson.Write(c.Cpu) };
        if (c.Synthetic is { } s)
            o["synthetic"] = new JsonObject
            {
                ["style"] = s.Style.ToString(), ["user"] = s.User.ToHex(), ["supervisor"] = s.Supervisor.ToHex(),
                ["xsaveopt"] = s.Xsaveopt, ["xsavec"] = s.Xsavec, ["xsaves"] = s.Xsaves, ["xfd"] = s.Xfd,
                ["extra_aligned"] = s.ExtraAligned.ToHex(),
            };
        // Written only when set, so the inputs of CPUs without the quirk (and their files' names) stay as they were.
        if (c.Synthetic is { ArchLbrFlagOnly: true }) o["synthetic"]!["arch_lbr_flag_only"] = true;
        return o;
    }

    /// <summary>The registers are authoritative: a stored case keeps meaning the same CPU even if the corpus changes.</summary>
    public static bool TryDecodeCpu(JsonElement e, out CpuCase? cpu, out string? error)
    {
        cpu = null;
        error = null;
        if (!e.TryGetProperty("model", out var model)) { error = "cpu.model: missing"; return false; }
        if (!CpuModelJson.TryRead(model, out var m, out error)) return false;
        SyntheticCpu? synthetic = null;
        if (e.TryGetProperty("synthetic", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            if (!Enum.TryParse<OffsetStyle>(s.GetProperty("style").GetString(), out var style) ||
                !FeatureMask.TryParseHex(s.GetProperty("user").GetString(), out var user) ||
                !FeatureMask.TryParseHex(s.GetProperty("supervisor").GetString(), out var sup) ||
                !FeatureMask.TryParseHex(s.GetProperty("extra_aligned").GetString(), out var aligned))
            {
                error = "cpu.synthetic: bad field";
                return false;
            }
            synthetic = new SyntheticCpu(style, user, sup, s.GetProperty("xsaveopt").GetBoolean(), s.GetProperty("xsavec").GetBoolean(),
                s.GetProperty("xsaves").GetBoolean(), s.GetProperty("xfd").GetBoolean(), aligned,
                // Absent in files written before the field existed: those CPUs had no such quirk.
                s.TryGetProperty("arch_lbr_flag_only", out var lbr) && lbr.ValueKind == JsonValueKind.True);
        }
        cpu = new CpuCase(m!, synthetic);
        return true;
    }

    public static JsonNode EncodeMask(FeatureMask m) => new JsonObject { ["hex"] = m.ToHex(), ["names"] = m.Describe() };

    public static bool TryDecodeMask(JsonElement e, string field, out FeatureMask mask, out string? error)
    {
        mask = default;
        error = null;
        if (e.TryGetProperty(field, out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("hex", out var hex) &&
            FeatureMask.TryParseHex(hex.GetString(), out mask))
            return true;
        error = $"{field}: expected {{\"hex\": \"0x..\"}}";
        return false;
    }

    private sealed class CpuAndMaskCodec : IInputCodec<CpuAndMask>
    {
        public JsonNode Encode(CpuAndMask x) => new JsonObject { ["cpu"] = EncodeCpu(x.Cpu), ["mask"] = EncodeMask(x.Mask) };

        public bool TryDecode(JsonElement e, out CpuAndMask? x, out string? error)
        {
            x = null;
            error = null;
            if (!e.TryGetProperty("cpu", out var c)) { error = "cpu: missing"; return false; }
            if (!TryDecodeCpu(c, out var cpu, out error)) return false;
            if (!TryDecodeMask(e, "mask", out var mask, out error)) return false;
            x = new CpuAndMask(cpu!, mask);
            return true;
        }
    }

    private sealed class NestedCodec : IInputCodec<CpuAndNestedMasks>
    {
        public JsonNode Encode(CpuAndNestedMasks x) =>
            new JsonObject { ["cpu"] = EncodeCpu(x.Cpu), ["small"] = EncodeMask(x.Small), ["large"] = EncodeMask(x.Large) };

        public bool TryDecode(JsonElement e, out CpuAndNestedMasks? x, out string? error)
        {
            x = null;
            error = null;
            if (!e.TryGetProperty("cpu", out var c)) { error = "cpu: missing"; return false; }
            if (!TryDecodeCpu(c, out var cpu, out error)) return false;
            if (!TryDecodeMask(e, "small", out var small, out error) || !TryDecodeMask(e, "large", out var large, out error)) return false;
            x = new CpuAndNestedMasks(cpu!, small, large);
            return true;
        }
    }
}
