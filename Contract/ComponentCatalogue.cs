namespace Xsave.Contract;

/// <summary>What kind of state a component is (SPEC R1, R6).</summary>
public enum ComponentKind
{
    /// <summary>x87 and SSE: live in the 512-byte legacy region at fixed offsets, enabled through XCR0.</summary>
    Legacy,
    /// <summary>Enabled through XCR0; has a standard-format offset (CPUID.(0xD,i).EBX).</summary>
    User,
    /// <summary>Enabled through IA32_XSS; no standard-format location, saved only by XSAVES.</summary>
    Supervisor,
    /// <summary>Enumerated by some CPUs (AMD LWP, bit 62) but never enabled by Linux.</summary>
    EnumeratedOnly,
}

/// <summary>One row of the component catalogue of SPEC R1.</summary>
/// <param name="StructSize">The size of the kernel's C structure for the component (R1, R42), or null where the kernel
/// has none (so a CPU enumerating it cannot have it enabled by Linux).</param>
public sealed record ComponentInfo(XFeature Feature, string ShortName, string LinuxName, ComponentKind Kind, int? StructSize)
{
    public int Index => (int)Feature;
}

/// <summary>The catalogue of components 0..19 and 62 (SPEC R1). Facts, not policy: masks live with their users.</summary>
public static class ComponentCatalogue
{
    public static IReadOnlyList<ComponentInfo> Components { get; } =
    [
        new(XFeature.Fp, "x87", "x87 floating point registers", ComponentKind.Legacy, null),
        new(XFeature.Sse, "SSE", "SSE registers", ComponentKind.Legacy, null),
        new(XFeature.Ymm, "AVX", "AVX registers", ComponentKind.User, 256),
        new(XFeature.BndRegs, "MPX_BNDREGS", "MPX bounds registers", ComponentKind.User, 64),
        new(XFeature.BndCsr, "MPX_BNDCSR", "MPX CSR", ComponentKind.User, 64),
        new(XFeature.Opmask, "AVX-512_opmask", "AVX-512 opmask", ComponentKind.User, 64),
        new(XFeature.ZmmHi256, "AVX-512_ZMM_Hi256", "AVX-512 Hi256", ComponentKind.User, 512),
        new(XFeature.Hi16Zmm, "AVX-512_Hi16_ZMM", "AVX-512 ZMM_Hi256", ComponentKind.User, 1024),
        new(XFeature.Pt, "PT", "Processor Trace (unused)", ComponentKind.Supervisor, null),
        new(XFeature.Pkru, "PKRU", "Protection Keys User registers", ComponentKind.User, 8),
        new(XFeature.Pasid, "PASID", "PASID state", ComponentKind.Supervisor, 8),
        new(XFeature.CetUser, "CET_U", "Control-flow User registers", ComponentKind.Supervisor, 16),
        new(XFeature.CetKernel, "CET_S", "Control-flow Kernel registers (KVM only)", ComponentKind.Supervisor, 24),
        new(XFeature.Hdc, "HDC", "unknown xstate feature (HDC)", ComponentKind.Supervisor, null),
        new(XFeature.Uintr, "UINTR", "unknown xstate feature (UINTR)", ComponentKind.Supervisor, null),
        new(XFeature.Lbr, "LBR", "Architectural LBR", ComponentKind.Supervisor, null),
        new(XFeature.Hwp, "HWP", "unknown xstate feature (HWP)", ComponentKind.Supervisor, null),
        new(XFeature.XtileCfg, "AMX_TILECFG", "AMX Tile config", ComponentKind.User, 64),
        new(XFeature.XtileData, "AMX_TILEDATA", "AMX Tile data", ComponentKind.User, null),
        new(XFeature.Apx, "APX", "APX registers", ComponentKind.User, 128),
        new(XFeature.Lwp, "LWP", "AMD Lightweight Profiling", ComponentKind.EnumeratedOnly, null),
    ];

    public static ComponentInfo? Find(int index) => Components.FirstOrDefault(c => c.Index == index);

    public static string ShortName(int index) => index is >= 0 and < 64 ? ShortNames[index] : Find(index)?.ShortName ?? $"bit{index}";

    // Made once: masks are described in every refusal's reason, and formatting "bitN" each time cost more than the check.
    private static readonly string[] ShortNames = Enumerable.Range(0, 64).Select(i => Find(i)?.ShortName ?? $"bit{i}").ToArray();

    /// <summary>Components architecturally enabled through XCR0 (everything that is not supervisor state).</summary>
    public static bool IsXcr0Component(int index) => Find(index)?.Kind is ComponentKind.Legacy or ComponentKind.User
        or ComponentKind.EnumeratedOnly;
}

/// <summary>Architectural groupings that the XSETBV and KVM pairing rules name (SPEC R8, R9).</summary>
public static class ArchMasks
{
    public static readonly FeatureMask FpSse = FeatureMask.Of(XFeature.Fp, XFeature.Sse);
    public static readonly FeatureMask Mpx = FeatureMask.Of(XFeature.BndRegs, XFeature.BndCsr);
    public static readonly FeatureMask Avx512 = FeatureMask.Of(XFeature.Opmask, XFeature.ZmmHi256, XFeature.Hi16Zmm);
    public static readonly FeatureMask Xtile = FeatureMask.Of(XFeature.XtileCfg, XFeature.XtileData);
    public static readonly FeatureMask Cet = FeatureMask.Of(XFeature.CetUser, XFeature.CetKernel);
    public static readonly FeatureMask CompactedFormat = FeatureMask.Bit(XFeatures.CompactedFormatBit);
}
