using System.Globalization;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// The names a scenario may use instead of numbers (uapi constants, MSRs, xfeature names, errnos) and the number
/// syntax (decimal, 0x hex, underscores, a leading minus). One table, so the parser and the writer agree.
/// </summary>
public static class Symbols
{
    /// <summary>arch_prctl options (R64), KVM capabilities (R88) and MSRs by name: the contract's ABI tables.</summary>
    public static readonly IReadOnlyDictionary<string, int> ArchPrctlOptions = Table(Uapi.ArchPrctl.Options);
    public static readonly IReadOnlyDictionary<string, int> ArchPrctlArgs = Table(Uapi.ArchPrctl.Arguments);
    public static readonly IReadOnlyDictionary<string, int> KvmCaps = Table(Uapi.KvmCap.All);
    public static readonly IReadOnlyDictionary<string, uint> Msrs = Table(Uapi.Msr.All);

    private static Dictionary<string, T> Table<T>(Names<T> names) where T : struct, IEquatable<T> =>
        names.Entries.ToDictionary(e => e.Name, e => e.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Xfeature names: the contract's enum names, the catalogue's short names and the kernel's XFEATURE_* names.</summary>
    private static readonly Dictionary<string, int> Features = BuildFeatures();

    private static Dictionary<string, int> BuildFeatures()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string name, int bit) => d[Key(name)] = bit;
        foreach (var info in ComponentCatalogue.Components)
        {
            Add(info.Feature.ToString(), info.Index);
            Add(info.ShortName, info.Index);
        }
        Add("FP", 0); Add("X87", 0); Add("YMM", 2); Add("AVX", 2); Add("BNDREGS", 3); Add("BNDCSR", 4); Add("OPMASK", 5);
        Add("ZMM_HI256", 6); Add("HI16_ZMM", 7); Add("PT", 8); Add("PKRU", 9); Add("PASID", 10);
        Add("CET_USER", 11); Add("CET_U", 11); Add("CET_KERNEL", 12); Add("CET_S", 12); Add("CET_SUPERVISOR", 12);
        Add("XTILE_CFG", 17); Add("XTILECFG", 17); Add("TILECFG", 17); Add("XTILE_DATA", 18); Add("XTILEDATA", 18); Add("TILEDATA", 18);
        Add("APX", 19); Add("LWP", 62); Add("COMPACTED", 63); Add("BIT63", 63); Add("LOCKED", 63);
        return d;
    }

    private static string Key(string name) =>
        name.ToUpperInvariant().Replace("XFEATURE_", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)
            .Replace("-", "", StringComparison.Ordinal);

    public static bool TryFeature(string name, out int bit) => Features.TryGetValue(Key(name.Trim()), out bit);

    /// <summary>Decimal, 0x hex or 0b binary, with optional underscores and a leading minus.</summary>
    public static bool TryInteger(string text, out Int128 value)
    {
        value = 0;
        var s = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool negative = s.StartsWith('-');
        if (negative) s = s[1..];
        bool ok;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = UInt128.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) && u <= ulong.MaxValue;
            value = (Int128)u;
        }
        else if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            ok = s.Length > 2 && s[2..].All(c => c is '0' or '1') && s.Length <= 66;
            if (ok) value = (Int128)Convert.ToUInt64(s[2..], 2);
        }
        else
        {
            ok = s.Length > 0 && s.All(char.IsAsciiDigit) && UInt128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u <= ulong.MaxValue;
            if (ok) value = (Int128)UInt128.Parse(s, CultureInfo.InvariantCulture);
        }
        if (ok && negative) value = -value;
        return ok;
    }

    /// <summary>An errno written EBUSY or -EBUSY: minus its number, as a system call returns it.</summary>
    public static bool TryErrno(string text, out long value)
    {
        value = 0;
        var s = text.Trim().TrimStart('-');
        if (!s.StartsWith('E') || !Enum.TryParse<Errno>(s, ignoreCase: false, out var e) || !Enum.IsDefined(e)) return false;
        value = -(long)e;
        return true;
    }

    /// <summary>A mask written as a number, or as feature names joined with '|' ("FP|SSE|XTILE_DATA").</summary>
    public static bool TryMask(string text, out ulong mask)
    {
        mask = 0;
        if (TryInteger(text, out var n))
        {
            if (n < 0) return false;
            mask = (ulong)n;
            return true;
        }
        foreach (var part in text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryFeature(part, out int bit)) return false;
            mask |= 1UL << bit;
        }
        return text.Contains('|') || TryFeature(text, out _);
    }

    public static string Hex(ulong v) => $"0x{v:x}";
}
