using System.Globalization;

namespace Xsave.Contract.Linux;

/// <summary>
/// The X86_FEATURE_* capabilities the FPU policy reads, as a set the kernel command line can clear
/// (<see cref="KernelConfig.ClearCpuid"/>). cpu_parse_early_param() calls setup_clear_cpu_cap() for each, whose
/// do_clear_cpu_cap() also clears everything that depends on it in arch/x86/kernel/cpu/cpuid-deps.c.
/// </summary>
[Flags]
public enum CpuidFlags : uint
{
    None = 0,
    Fpu = 1u << 0,
    Fxsr = 1u << 1,
    /// <summary>X86_FEATURE_XMM, shown as "sse".</summary>
    Sse = 1u << 2,
    Xsave = 1u << 3,
    Xsaveopt = 1u << 4,
    Xsavec = 1u << 5,
    Xgetbv1 = 1u << 6,
    Xsaves = 1u << 7,
    Xfd = 1u << 8,
    Avx = 1u << 9,
    Avx512F = 1u << 10,
    Mpx = 1u << 11,
    IntelPt = 1u << 12,
    Pku = 1u << 13,
    Ospke = 1u << 14,
    Enqcmd = 1u << 15,
    Shstk = 1u << 16,
    Ibt = 1u << 17,
    AmxTile = 1u << 18,
    ArchLbr = 1u << 19,
}

/// <summary>
/// The names and numbers clearcpuid= accepts for <see cref="CpuidFlags"/>: the /proc/cpuinfo name when
/// arch/x86/include/asm/cpufeatures.h gives one in quotes (x86_cap_flags), and always the bit number word*32+bit.
/// XFD and SHSTK have no name there (only their numbers, 324 and 519, clear them); APX is not modelled here.
/// </summary>
public static class CpuidFlagNames
{
    /// <summary>(flag, kernel name or null, X86_FEATURE_* number), in cpufeatures.h order.</summary>
    public static IReadOnlyList<(CpuidFlags Flag, string? Name, int Number)> All { get; } =
    [
        (CpuidFlags.Fpu, "fpu", 0 * 32 + 0),
        (CpuidFlags.Fxsr, "fxsr", 0 * 32 + 24),
        (CpuidFlags.Sse, "sse", 0 * 32 + 25),
        (CpuidFlags.Xsave, "xsave", 4 * 32 + 26),
        (CpuidFlags.Avx, "avx", 4 * 32 + 28),
        (CpuidFlags.Mpx, "mpx", 9 * 32 + 14),
        (CpuidFlags.Avx512F, "avx512f", 9 * 32 + 16),
        (CpuidFlags.IntelPt, "intel_pt", 9 * 32 + 25),
        (CpuidFlags.Xsaveopt, "xsaveopt", 10 * 32 + 0),
        (CpuidFlags.Xsavec, "xsavec", 10 * 32 + 1),
        (CpuidFlags.Xgetbv1, "xgetbv1", 10 * 32 + 2),
        (CpuidFlags.Xsaves, "xsaves", 10 * 32 + 3),
        (CpuidFlags.Xfd, null, 10 * 32 + 4),
        (CpuidFlags.Pku, "pku", 16 * 32 + 3),
        (CpuidFlags.Ospke, "ospke", 16 * 32 + 4),
        (CpuidFlags.Shstk, null, 16 * 32 + 7),
        (CpuidFlags.Enqcmd, "enqcmd", 16 * 32 + 29),
        (CpuidFlags.ArchLbr, "arch_lbr", 18 * 32 + 19),
        (CpuidFlags.Ibt, "ibt", 18 * 32 + 20),
        (CpuidFlags.AmxTile, "amx_tile", 18 * 32 + 24),
    ];

    /// <summary>A name (exact, as strcmp in cpu_parse_early_param) or a decimal bit number; false for anything else.</summary>
    public static bool TryParse(string text, out CpuidFlags flag)
    {
        foreach (var (f, name, number) in All)
        {
            if (name == text || number.ToString(CultureInfo.InvariantCulture) == text)
            {
                flag = f;
                return true;
            }
        }
        flag = CpuidFlags.None;
        return false;
    }

    /// <summary>The word clearcpuid= would use for one flag: its name, else its number.</summary>
    public static string Word(CpuidFlags flag)
    {
        foreach (var (f, name, number) in All)
            if (f == flag) return name ?? number.ToString(CultureInfo.InvariantCulture);
        throw new ArgumentOutOfRangeException(nameof(flag), flag, "not a single modelled flag");
    }

    /// <summary>A set as the comma-separated list clearcpuid= takes (empty for none).</summary>
    public static string Format(CpuidFlags flags) =>
        string.Join(",", All.Where(x => (flags & x.Flag) != 0).Select(x => Word(x.Flag)));

    /// <summary>Every accepted word, for error messages.</summary>
    public static string Help => string.Join(", ", All.Select(x => x.Name is null ? $"{x.Number} ({x.Flag})" : x.Name));

    /// <summary>The single flags of a set, in <see cref="All"/> order.</summary>
    public static IEnumerable<CpuidFlags> Each(CpuidFlags flags) => All.Select(x => x.Flag).Where(f => (flags & f) != 0);
}
