using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xsave.Contract.Serialization;

/// <summary>
/// A CPU model as a self-contained JSON object, for regression files, scenarios and the process protocol:
/// <c>{"id": .., "vendor": .., "family": N, "model": N, "stepping": N, "microcode": "0x..", "mxcsr_mask": "0x..",
/// "leaf0d": {"0": ["0x..", ..], ..}, "flags": {"avx": true, ..}}</c>. Registers use the corpus notation ("0x%08X");
/// "microcode" only when known (R38a).
/// </summary>
public static class CpuModelJson
{
    private static readonly PropertyInfo[] FlagProperties = typeof(CpuFeatureFlags).GetProperties()
        .Where(p => p.PropertyType == typeof(bool) && p.CanWrite).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    public static JsonObject Write(CpuModel cpu)
    {
        var leaf = new JsonObject();
        foreach (var (sub, r) in cpu.Leaf0D.OrderBy(kv => kv.Key))
            leaf[sub.ToString(CultureInfo.InvariantCulture)] = new JsonArray(Hex(r.Eax), Hex(r.Ebx), Hex(r.Ecx), Hex(r.Edx));
        var flags = new JsonObject();
        foreach (var p in FlagProperties)
            flags[SnakeCase(p.Name)] = (bool)p.GetValue(cpu.Flags)!;
        var json = new JsonObject
        {
            ["id"] = cpu.Id,
            ["vendor"] = cpu.Vendor,
            ["family"] = cpu.Family,
            ["model"] = cpu.Model,
            ["stepping"] = cpu.Stepping,
            ["mxcsr_mask"] = "0x" + cpu.MxcsrMask.ToString("x", CultureInfo.InvariantCulture),
            ["leaf0d"] = leaf,
            ["flags"] = flags,
        };
        if (cpu.MicrocodeRevision is { } rev) json["microcode"] = Hex(rev);
        return json;
    }

    /// <summary>Reads what <see cref="Write"/> wrote; a problem is a message naming the field, never an exception.</summary>
    public static bool TryRead(JsonElement e, out CpuModel? cpu, out string? error)
    {
        cpu = null;
        error = null;
        try
        {
            if (e.ValueKind != JsonValueKind.Object) { error = "cpu: expected an object"; return false; }
            var leaf = new Dictionary<int, CpuidRegs>();
            if (!e.TryGetProperty("leaf0d", out var l) || l.ValueKind != JsonValueKind.Object) { error = "cpu.leaf0d: missing"; return false; }
            foreach (var sub in l.EnumerateObject())
            {
                var regs = sub.Value.EnumerateArray().Select(v => ParseHex(v.GetString())).ToArray();
                if (!int.TryParse(sub.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 63 || regs.Length != 4 || regs.Any(r => r is null))
                {
                    error = $"cpu.leaf0d[\"{sub.Name}\"]: expected four hex register strings";
                    return false;
                }
                leaf[n] = new CpuidRegs(regs[0]!.Value, regs[1]!.Value, regs[2]!.Value, regs[3]!.Value);
            }
            // The same limits as a corpus profile: a model from a regression file or a scenario is input too.
            foreach (var (_, subLeaf, message) in Cpus.ProfileLimits.Check(leaf))
            {
                error = $"cpu.leaf0d[\"{subLeaf}\"]: {message}";
                return false;
            }
            var flags = new CpuFeatureFlags();
            if (e.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Object)
                foreach (var p in FlagProperties)
                    if (f.TryGetProperty(SnakeCase(p.Name), out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        flags = With(flags, p, v.GetBoolean());
            cpu = new CpuModel
            {
                Id = e.TryGetProperty("id", out var id) ? id.GetString() ?? "unnamed" : "unnamed",
                Vendor = e.TryGetProperty("vendor", out var vendor) ? vendor.GetString() ?? "GenuineIntel" : "GenuineIntel",
                Family = e.TryGetProperty("family", out var fam) && fam.TryGetInt32(out var fi) ? fi : 6,
                Model = e.TryGetProperty("model", out var mod) && mod.TryGetInt32(out var mi) ? mi : 0,
                Stepping = e.TryGetProperty("stepping", out var st) && st.TryGetInt32(out var si) ? si : 0,
                MicrocodeRevision = e.TryGetProperty("microcode", out var mc) ? ParseHex(mc.GetString()) : null,
                MxcsrMask = e.TryGetProperty("mxcsr_mask", out var mm) && ParseHex(mm.GetString()) is { } mask ? mask : 0xFFFF,
                Leaf0D = leaf,
                Flags = flags,
            };
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            error = "cpu: " + ex.Message;
            return false;
        }
    }

    private static CpuFeatureFlags With(CpuFeatureFlags flags, PropertyInfo p, bool value)
    {
        // Records with init-only properties: copy, then set through reflection on the copy.
        var copy = flags with { };
        p.SetValue(copy, value);
        return copy;
    }

    private static string Hex(uint v) => "0x" + v.ToString("X8", CultureInfo.InvariantCulture);

    private static uint? ParseHex(string? s) =>
        s is not null && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
        uint.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
