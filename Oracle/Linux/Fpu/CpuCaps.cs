using Xsave.Contract.Linux;
using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// The kernel's view of the boot CPU's features (boot_cpu_has), as far as the FPU policy reads them. Starts from the
/// CPU model and the kernel configuration (<see cref="Initial"/>) and is narrowed by the boot code (R34, R38a, R44).
/// Clearing a feature also clears what depends on it, like the kernel's setup_clear_cpu_cap() does through
/// arch/x86/kernel/cpu/cpuid-deps.c (<see cref="Without"/>).
/// </summary>
public sealed record CpuCaps
{
    public bool Fpu { get; init; }
    public bool Fxsr { get; init; }
    public bool Xmm { get; init; }
    public bool Xsave { get; init; }
    /// <summary>Set by the kernel only once XSAVE is fully set up (end of fpu__init_system_xstate).</summary>
    public bool Osxsave { get; init; }
    public bool Xsaveopt { get; init; }
    public bool Xsavec { get; init; }
    public bool Xgetbv1 { get; init; }
    public bool Xsaves { get; init; }
    /// <summary>XFD; compiled out on 32-bit kernels (cpu_feature_enabled is constant false there).</summary>
    public bool Xfd { get; init; }
    public bool Avx { get; init; }
    public bool Avx512F { get; init; }
    public bool Mpx { get; init; }
    public bool IntelPt { get; init; }
    public bool Pku { get; init; }
    public bool Ospke { get; init; }
    public bool Enqcmd { get; init; }
    public bool Shstk { get; init; }
    public bool Ibt { get; init; }
    public bool AmxTile { get; init; }
    public bool Apx { get; init; }
    public bool ArchLbr { get; init; }
    /// <summary>X86_FEATURE_XCOMPACTED: the kernel uses the compacted format (R39).</summary>
    public bool Xcompacted { get; init; }

    /// <summary>
    /// boot_cpu_data before fpu__init_system_xstate: the CPU's flags, leaf 0xD sub-leaf 1 (R5), the kernel
    /// configuration and the AMD family 0x17 erratum (R38a).
    /// </summary>
    public static CpuCaps Initial(CpuModel cpu, KernelConfig config)
    {
        var f = cpu.Flags;
        var caps = new CpuCaps
        {
            Fpu = f.Fpu,
            Fxsr = f.Fxsr,
            Xmm = f.Xmm,
            Xsave = f.Xsave,
            Xsaveopt = cpu.HasXsaveopt,
            Xsavec = cpu.HasXsavec,
            Xgetbv1 = cpu.HasXgetbv1,
            Xsaves = cpu.HasXsaves,
            Xfd = cpu.HasXfd && config.Is64Bit,
            Avx = f.Avx,
            Avx512F = f.Avx512F,
            Mpx = f.Mpx,
            IntelPt = f.IntelPt,
            Pku = f.Pku,
            // The kernel sets OSPKE itself (CR4.PKE) when it uses protection keys; the dumped bit is the dumping OS's.
            Ospke = f.Pku && config.ProtectionKeys,
            Enqcmd = f.Enqcmd,
            Shstk = f.Shstk,
            Ibt = f.Ibt,
            AmxTile = f.AmxTile,
            Apx = f.Apx,
            ArchLbr = f.ArchLbr,
        };

        // "noxsave": X86_FEATURE_XSAVE cleared before the FPU setup.
        if (config.NoXsave) caps = caps.Without(nameof(Xsave));

        // R38a: AMD erratum 1386, XSAVES cleared on family 0x17 (Zen 1, Zen+, Zen 2); XSAVEC stays.
        if (config.AmdZenXsavesErratum && cpu.Vendor == "AuthenticAMD" && cpu.Family == 0x17)
            caps = caps.Without(nameof(Xsaves));

        // The dependency table is applied only when something is cleared, as in the kernel (a missing prerequisite
        // on the CPU itself only earns a boot warning there).
        return caps;
    }

    /// <summary>
    /// The entries of cpuid-deps.c among the modelled features: (feature, the feature it depends on). The AMX, XFD
    /// and SHSTK rows are quoted from the kernel's table; XSAVE-family, AVX and PKU rows are the long-standing ones.
    /// APX on XSAVE is assumed (its state is XSAVE-managed).
    /// </summary>
    public static IReadOnlyList<(string Feature, string Requires)> Dependencies { get; } =
    [
        (nameof(Xsaveopt), nameof(Xsave)),
        (nameof(Xsavec), nameof(Xsave)),
        (nameof(Xsaves), nameof(Xsave)),
        (nameof(Xgetbv1), nameof(Xsave)),
        (nameof(Avx), nameof(Xsave)),
        (nameof(Mpx), nameof(Xsave)),
        (nameof(Pku), nameof(Xsave)),
        (nameof(Ospke), nameof(Pku)),
        (nameof(Apx), nameof(Xsave)),
        (nameof(Avx512F), nameof(Avx)),
        (nameof(Xfd), nameof(Xsaves)),
        (nameof(Xfd), nameof(Xgetbv1)),
        (nameof(AmxTile), nameof(Xfd)),
        (nameof(Shstk), nameof(Xsaves)),
        (nameof(Enqcmd), nameof(Xsaves)),
    ];

    /// <summary>
    /// setup_clear_cpu_cap(feature): clears it and, transitively, every feature that depends on it — whether or not the
    /// features in between are set (do_clear_cpu_cap grows a disable set over the whole table: clearing XSAVE clears
    /// XFD through XSAVES even on a CPU that never had XSAVES).
    /// </summary>
    public CpuCaps Without(string feature)
    {
        var caps = Set(feature, false);
        foreach (var (dependent, requires) in Dependencies)
            if (requires == feature) caps = caps.Without(dependent);
        return caps;
    }

    /// <summary>Reads a capability by its property name.</summary>
    public bool Has(string feature) => feature switch
    {
        nameof(Fpu) => Fpu, nameof(Fxsr) => Fxsr, nameof(Xmm) => Xmm, nameof(Xsave) => Xsave, nameof(Osxsave) => Osxsave,
        nameof(Xsaveopt) => Xsaveopt, nameof(Xsavec) => Xsavec, nameof(Xgetbv1) => Xgetbv1, nameof(Xsaves) => Xsaves,
        nameof(Xfd) => Xfd, nameof(Avx) => Avx, nameof(Avx512F) => Avx512F, nameof(Mpx) => Mpx,
        nameof(IntelPt) => IntelPt, nameof(Pku) => Pku, nameof(Ospke) => Ospke, nameof(Enqcmd) => Enqcmd,
        nameof(Shstk) => Shstk, nameof(Ibt) => Ibt, nameof(AmxTile) => AmxTile, nameof(Apx) => Apx,
        nameof(ArchLbr) => ArchLbr, nameof(Xcompacted) => Xcompacted,
        _ => false,
    };

    /// <summary>Returns a copy with one capability set or cleared (no dependency handling).</summary>
    public CpuCaps Set(string feature, bool value) => feature switch
    {
        nameof(Fpu) => this with { Fpu = value }, nameof(Fxsr) => this with { Fxsr = value },
        nameof(Xmm) => this with { Xmm = value }, nameof(Xsave) => this with { Xsave = value },
        nameof(Osxsave) => this with { Osxsave = value }, nameof(Xsaveopt) => this with { Xsaveopt = value },
        nameof(Xsavec) => this with { Xsavec = value }, nameof(Xgetbv1) => this with { Xgetbv1 = value },
        nameof(Xsaves) => this with { Xsaves = value }, nameof(Xfd) => this with { Xfd = value },
        nameof(Avx) => this with { Avx = value }, nameof(Avx512F) => this with { Avx512F = value },
        nameof(Mpx) => this with { Mpx = value }, nameof(IntelPt) => this with { IntelPt = value },
        nameof(Pku) => this with { Pku = value }, nameof(Ospke) => this with { Ospke = value },
        nameof(Enqcmd) => this with { Enqcmd = value }, nameof(Shstk) => this with { Shstk = value },
        nameof(Ibt) => this with { Ibt = value }, nameof(AmxTile) => this with { AmxTile = value },
        nameof(Apx) => this with { Apx = value }, nameof(ArchLbr) => this with { ArchLbr = value },
        nameof(Xcompacted) => this with { Xcompacted = value },
        _ => this,
    };

    /// <summary>
    /// R37: whether the CPU feature component 0..19 needs is present (xsave_cpuid_features); null = no mapping
    /// (13..16, and anything beyond 19), so the component is always cleared. FP maps to X86_FEATURE_FPU.
    /// </summary>
    public bool? HasFeatureFor(int component) => component switch
    {
        0 => Fpu,
        1 => Xmm,
        2 => Avx,
        3 or 4 => Mpx,
        5 or 6 or 7 => Avx512F,
        8 => IntelPt,
        9 => Ospke,
        10 => Enqcmd,
        11 or 12 => Shstk,
        17 or 18 => AmxTile,
        19 => Apx,
        _ => null,
    };
}
