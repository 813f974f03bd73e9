namespace Xsave.Contract;

/// <summary>
/// XSAVE state component numbers (SPEC R1; Linux <c>enum xfeature</c>). The index is the bit number in
/// XCR0, IA32_XSS, XSTATE_BV and XCOMP_BV. 62 is AMD LWP: enumerated by old AMD parts, never enabled by Linux.
/// </summary>
public enum XFeature
{
    Fp = 0,
    Sse = 1,
    Ymm = 2,
    BndRegs = 3,
    BndCsr = 4,
    Opmask = 5,
    ZmmHi256 = 6,
    Hi16Zmm = 7,
    Pt = 8,
    Pkru = 9,
    Pasid = 10,
    CetUser = 11,
    CetKernel = 12,
    Hdc = 13,
    Uintr = 14,
    Lbr = 15,
    Hwp = 16,
    XtileCfg = 17,
    XtileData = 18,
    Apx = 19,
    Lwp = 62,
}

public static class XFeatures
{
    /// <summary>XFEATURE_MAX in a kernel that knows APX: component numbers 0..19 are named (R1, R65).</summary>
    public const int Max = 20;

    /// <summary>Bit 63 of XCOMP_BV: the buffer is in compacted format (R13).</summary>
    public const int CompactedFormatBit = 63;

    /// <summary>First byte after the legacy region and the header: extended components start here (R14, R15).</summary>
    public const int ExtendedRegionStart = 576;

    public const int LegacyRegionSize = 512;
    public const int HeaderOffset = 512;
    public const int HeaderSize = 64;

    /// <summary>Every component number the catalogue knows, in ascending order.</summary>
    public static IReadOnlyList<XFeature> All { get; } = Enum.GetValues<XFeature>().OrderBy(f => (int)f).ToArray();

    public static FeatureMask Mask(this XFeature feature) => FeatureMask.Of(feature);
}
