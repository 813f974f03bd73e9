namespace Xsave.Optimized.Linux.Fpu;

/// <summary>
/// boot_cpu_data's capability bits as far as the FPU policy reads them, one bit each so that setup_clear_cpu_cap with
/// its dependency closure (arch/x86/kernel/cpu/cpuid-deps.c) is a few mask operations.
/// </summary>
[Flags]
public enum CpuCaps : uint
{
    None = 0,
    Fpu = 1u << 0,
    Fxsr = 1u << 1,
    Xmm = 1u << 2,
    Xsave = 1u << 3,
    /// <summary>Set by the kernel once XSAVE is set up.</summary>
    Osxsave = 1u << 4,
    Xsaveopt = 1u << 5,
    Xsavec = 1u << 6,
    Xgetbv1 = 1u << 7,
    Xsaves = 1u << 8,
    /// <summary>XFD, compiled out on 32-bit kernels.</summary>
    Xfd = 1u << 9,
    Avx = 1u << 10,
    Avx512F = 1u << 11,
    Mpx = 1u << 12,
    IntelPt = 1u << 13,
    Pku = 1u << 14,
    Ospke = 1u << 15,
    Enqcmd = 1u << 16,
    Shstk = 1u << 17,
    Ibt = 1u << 18,
    AmxTile = 1u << 19,
    Apx = 1u << 20,
    ArchLbr = 1u << 21,
    /// <summary>X86_FEATURE_XCOMPACTED (R39).</summary>
    Xcompacted = 1u << 22,
}

/// <summary>setup_clear_cpu_cap over <see cref="CpuCaps"/>.</summary>
public static class CpuCapDeps
{
    // cpuid-deps.c rows among the modelled features: (feature, what it depends on). OSPKE on PKU is setup_pku's
    // condition (it forces OSPKE only while PKU is set), not a table row.
    private static readonly (CpuCaps Feature, CpuCaps Requires)[] Rows =
    [
        (CpuCaps.Fxsr, CpuCaps.Fpu), (CpuCaps.Xsave, CpuCaps.Fxsr), (CpuCaps.Xmm, CpuCaps.Fxsr),
        (CpuCaps.Xsaveopt, CpuCaps.Xsave), (CpuCaps.Xsavec, CpuCaps.Xsave), (CpuCaps.Xsaves, CpuCaps.Xsave),
        (CpuCaps.Xgetbv1, CpuCaps.Xsave), (CpuCaps.Avx, CpuCaps.Xsave), (CpuCaps.Mpx, CpuCaps.Xsave),
        (CpuCaps.Pku, CpuCaps.Xsave), (CpuCaps.Ospke, CpuCaps.Pku), (CpuCaps.Apx, CpuCaps.Xsave),
        (CpuCaps.Avx512F, CpuCaps.Avx), (CpuCaps.Xfd, CpuCaps.Xsaves), (CpuCaps.Xfd, CpuCaps.Xgetbv1),
        (CpuCaps.AmxTile, CpuCaps.Xfd), (CpuCaps.Shstk, CpuCaps.Xsaves), (CpuCaps.Enqcmd, CpuCaps.Xsaves),
    ];

    /// <summary>
    /// setup_clear_cpu_cap: clears the feature and, transitively, what depends on it. The kernel's do_clear_cpu_cap
    /// collects a "disable" bitmap until it is stable and clears everything in it, whether or not an intermediate
    /// feature was set: clearing XSAVE on a CPU that reports XFD without XSAVES and XGETBV1 clears XFD too.
    /// </summary>
    public static CpuCaps Clear(CpuCaps caps, CpuCaps feature) => caps & ~Closure(feature);

    /// <summary>The kernel's disable set: the feature and everything depending on it, transitively.</summary>
    public static CpuCaps Closure(CpuCaps feature)
    {
        var set = feature;
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (f, requires) in Rows)
                if ((set & requires) != 0 && (set & f) == 0) { set |= f; grew = true; }
        }
        return set;
    }
}
