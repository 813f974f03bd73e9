using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// The kernel's view of the boot CPU's features (boot_cpu_has), as far as the FPU policy reads them: a set of
/// <see cref="CpuCap"/>. Starts from the CPU model and the kernel configuration (<see cref="Initial"/>) and is narrowed
/// by the boot code (R34, R38a, R44). Clearing a feature also clears what depends on it, like the kernel's
/// setup_clear_cpu_cap() does through arch/x86/kernel/cpu/cpuid-deps.c (<see cref="Without"/>).
/// </summary>
public sealed record CpuCaps
{
    // A bit per CpuCap: a value set, so two CpuCaps with the same features are equal.
    private readonly ulong _bits;

    private CpuCaps(ulong bits) => _bits = bits;

    public static CpuCaps None { get; } = new(0);

    /// <summary>boot_cpu_has(feature).</summary>
    public bool Has(CpuCap feature) => (_bits & Bit(feature)) != 0;

    /// <summary>The features present, in enum order.</summary>
    public IEnumerable<CpuCap> Features => Enum.GetValues<CpuCap>().Where(Has);

    /// <summary>setup_force_cpu_cap / set_cpu_cap, or clear_cpu_cap without the dependency closure.</summary>
    public CpuCaps Set(CpuCap feature, bool value = true) =>
        new(value ? _bits | Bit(feature) : _bits & ~Bit(feature));

    /// <summary>
    /// setup_clear_cpu_cap(feature): clears it and, transitively, every feature that depends on it
    /// (<see cref="CpuCapDependencies.DisableSet"/>).
    /// </summary>
    public CpuCaps Without(CpuCap feature) =>
        CpuCapDependencies.DisableSet(feature).Aggregate(this, (caps, f) => caps.Set(f, false));

    private static ulong Bit(CpuCap feature) => 1UL << (int)feature;

    /// <summary>
    /// boot_cpu_data before fpu__init_system_xstate: the CPU's flags, leaf 0xD sub-leaf 1 (R5), the kernel
    /// configuration and the AMD family 0x17 erratum (R38a).
    /// </summary>
    public static CpuCaps Initial(CpuModel cpu, KernelConfig config)
    {
        var f = cpu.Flags;
        var caps = None
            .Set(CpuCap.Fpu, f.Fpu)
            .Set(CpuCap.Fxsr, f.Fxsr)
            .Set(CpuCap.Xmm, f.Xmm)
            .Set(CpuCap.Xsave, f.Xsave)
            .Set(CpuCap.Xsaveopt, cpu.HasXsaveopt)
            .Set(CpuCap.Xsavec, cpu.HasXsavec)
            .Set(CpuCap.Xgetbv1, cpu.HasXgetbv1)
            .Set(CpuCap.Xsaves, cpu.HasXsaves)
            .Set(CpuCap.Xfd, cpu.HasXfd && config.Is64Bit)
            .Set(CpuCap.Avx, f.Avx)
            .Set(CpuCap.Avx512F, f.Avx512F)
            .Set(CpuCap.Mpx, f.Mpx)
            .Set(CpuCap.IntelPt, f.IntelPt)
            .Set(CpuCap.Pku, f.Pku)
            .Set(CpuCap.Enqcmd, f.Enqcmd)
            .Set(CpuCap.Shstk, f.Shstk)
            .Set(CpuCap.Ibt, f.Ibt)
            .Set(CpuCap.AmxTile, f.AmxTile)
            .Set(CpuCap.Apx, f.Apx)
            .Set(CpuCap.ArchLbr, f.ArchLbr);

        caps = CommandLine(caps, config);

        // R38a: AMD erratum 1386, XSAVES cleared on family 0x17 (Zen 1, Zen+, Zen 2) below the fixed microcode; XSAVEC stays.
        if (config.AmdZenXsavesErratum && Erratum1386.Applies(cpu))
            caps = caps.Without(CpuCap.Xsaves);

        // setup_pku (identify_cpu, after the command line): with protection keys built in and PKU still set, the kernel
        // sets CR4.PKE and forces OSPKE (setup_force_cpu_cap, which wins over a clearcpuid=ospke); the dumped OSPKE bit
        // is the dumping OS's, so it is ignored.
        caps = caps.Set(CpuCap.Ospke, caps.Has(CpuCap.Pku) && config.ProtectionKeys);

        // The dependency table is applied only when something is cleared, as in the kernel (a missing prerequisite
        // on the CPU itself only earns check_cpufeature_deps' warning there).
        return caps;
    }

    /// <summary>
    /// cpu_parse_early_param: "noxsave", "noxsaveopt", "noxsaves", then each clearcpuid= flag, every one through
    /// setup_clear_cpu_cap (the cpuid-deps closure, <see cref="Without"/>). The order does not matter: the closure of a
    /// union is the union of the closures.
    /// </summary>
    public static CpuCaps CommandLine(CpuCaps caps, KernelConfig config)
    {
        if (config.NoXsave) caps = caps.Without(CpuCap.Xsave);
        if (config.NoXsaveopt) caps = caps.Without(CpuCap.Xsaveopt);
        if (config.NoXsaves) caps = caps.Without(CpuCap.Xsaves);
        foreach (var flag in CpuidFlagNames.Each(config.ClearCpuid))
            caps = caps.Without(FromFlag(flag));
        return caps;
    }

    /// <summary>The X86_FEATURE_* a command-line flag names.</summary>
    private static CpuCap FromFlag(CpuidFlags flag) => flag switch
    {
        CpuidFlags.Fpu => CpuCap.Fpu,
        CpuidFlags.Fxsr => CpuCap.Fxsr,
        CpuidFlags.Sse => CpuCap.Xmm,
        CpuidFlags.Xsave => CpuCap.Xsave,
        CpuidFlags.Xsaveopt => CpuCap.Xsaveopt,
        CpuidFlags.Xsavec => CpuCap.Xsavec,
        CpuidFlags.Xgetbv1 => CpuCap.Xgetbv1,
        CpuidFlags.Xsaves => CpuCap.Xsaves,
        CpuidFlags.Xfd => CpuCap.Xfd,
        CpuidFlags.Avx => CpuCap.Avx,
        CpuidFlags.Avx512F => CpuCap.Avx512F,
        CpuidFlags.Mpx => CpuCap.Mpx,
        CpuidFlags.IntelPt => CpuCap.IntelPt,
        CpuidFlags.Pku => CpuCap.Pku,
        CpuidFlags.Ospke => CpuCap.Ospke,
        CpuidFlags.Enqcmd => CpuCap.Enqcmd,
        CpuidFlags.Shstk => CpuCap.Shstk,
        CpuidFlags.Ibt => CpuCap.Ibt,
        CpuidFlags.AmxTile => CpuCap.AmxTile,
        CpuidFlags.ArchLbr => CpuCap.ArchLbr,
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "not a modelled clearcpuid flag"),
    };

    /// <summary>
    /// What boot_cpu_has(X86_FEATURE_...) with a constant answers: on a 64-bit kernel FPU, FXSR and XMM are in
    /// REQUIRED_MASK0 (required-features.h), so a constant test is true whatever clearcpuid= cleared from the bitmap.
    /// Only the bits the CPU reports come back (a 64-bit kernel refuses a CPU without them before this: FpuBoot).
    /// Tests with a variable feature (xsave_cpuid_features[] in R37) still read the bitmap.
    /// </summary>
    public CpuCaps WithRequired(CpuModel cpu, KernelConfig config)
    {
        if (!config.Is64Bit) return this;
        var f = cpu.Flags;
        var caps = this;
        if (f.Fpu) caps = caps.Set(CpuCap.Fpu);
        if (f.Fxsr) caps = caps.Set(CpuCap.Fxsr);
        if (f.Xmm) caps = caps.Set(CpuCap.Xmm);
        return caps;
    }

    /// <summary>
    /// R37: whether the CPU feature component 0..19 needs is present (xsave_cpuid_features); null = no mapping
    /// (13..16, and anything beyond 19), so the component is always cleared. FP maps to X86_FEATURE_FPU.
    /// </summary>
    public bool? HasFeatureFor(int component) => FeatureFor(component) is { } feature ? Has(feature) : null;

    /// <summary>R37 xsave_cpuid_features: the X86_FEATURE_* component 0..19 depends on.</summary>
    private static CpuCap? FeatureFor(int component) => component switch
    {
        0 => CpuCap.Fpu,
        1 => CpuCap.Xmm,
        2 => CpuCap.Avx,
        3 or 4 => CpuCap.Mpx,
        5 or 6 or 7 => CpuCap.Avx512F,
        8 => CpuCap.IntelPt,
        9 => CpuCap.Ospke,
        10 => CpuCap.Enqcmd,
        11 or 12 => CpuCap.Shstk,
        17 or 18 => CpuCap.AmxTile,
        19 => CpuCap.Apx,
        _ => null,
    };
}
