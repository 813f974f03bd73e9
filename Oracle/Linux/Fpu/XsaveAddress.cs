using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// Where a component lives in a kernel fpstate buffer (SPEC R48: get_xsave_addr, __raw_xsave_addr,
/// xfeature_get_offset). Offsets are byte offsets into <see cref="Fpstate.Regs"/>; null plays the kernel's NULL.
/// </summary>
public static class XsaveAddress
{
    /// <summary>
    /// get_xsave_addr (R48): NULL without XSAVE, for a component the kernel has not enabled (WARN), or when the
    /// buffer's XSTATE_BV[i] is 0 (the component is in its init state and its bytes are stale); else the raw address.
    /// </summary>
    public static int? Get(BootResult boot, Fpstate fps, int feature)
    {
        if (!boot.XsaveEnabled) return null;
        if (!boot.Kernel.MaxFeatures.Contains(feature)) return null;
        if (!new FeatureMask(fps.XstateBv).Contains(feature)) return null;
        return Raw(boot, fps, feature);
    }

    /// <summary>
    /// __raw_xsave_addr: NULL (WARN) for a component outside kernel.max, or, in the compacted format, outside the
    /// buffer's XCOMP_BV; x87/SSE and the standard format use the fixed offsets; compacted offsets follow R15 over
    /// the buffer's own XCOMP_BV.
    /// </summary>
    public static int? Raw(BootResult boot, Fpstate fps, int feature)
    {
        if (!boot.Kernel.MaxFeatures.Contains(feature)) return null;
        if (boot.Compacted && !new FeatureMask(fps.XcompBv).Contains(feature)) return null;
        if (feature == (int)XFeature.Fp) return LegacyRegion.X87Placement.Offset;
        if (feature == (int)XFeature.Sse) return LegacyRegion.SsePlacement.Offset;
        if (!boot.Compacted) return boot.Cpu.StandardOffset(feature);
        return CompactedLayout.For(boot.Cpu, new FeatureMask(fps.XcompBv)).Find(feature)?.Offset;
    }

    /// <summary>xstate_sizes[i]: 160 for x87 (legacy bytes up to the XMM registers), 256 for SSE, CPUID EAX beyond.</summary>
    public static int Size(BootResult boot, int feature) => feature switch
    {
        (int)XFeature.Fp => LegacyRegion.X87Placement.Size,
        (int)XFeature.Sse => LegacyRegion.SsePlacement.Size,
        _ => boot.Cpu.ComponentSize(feature),
    };
}
