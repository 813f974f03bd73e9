using Xsave.Contract;

namespace Xsave.BenchCore;

/// <summary>
/// Turns random bits into a valid XCR0 value for a CPU (SPEC R9) by closing it under the pairing rules, and into
/// invalid ones by breaking exactly one rule. Used only to build benchmark inputs; whether a value is valid is
/// checked by the implementations, not here.
/// </summary>
public static class ValidMasks
{
    private static readonly FeatureMask Ymm = FeatureMask.Of(XFeature.Ymm);
    private static readonly FeatureMask Sse = FeatureMask.Of(XFeature.Sse);
    private static readonly FeatureMask Fp = FeatureMask.Of(XFeature.Fp);

    /// <summary>
    /// R9: x87 always; AVX needs SSE; the AVX-512 triple only all together and with AVX; BNDREGS/BNDCSR together;
    /// TILECFG/TILEDATA together; nothing outside CPUID.(0xD,0).EDX:EAX. A group the CPU enumerates only in part is
    /// left out.
    /// </summary>
    public static FeatureMask Xcr0(ulong randomBits, FeatureMask supportedXcr0)
    {
        var x = (new FeatureMask(randomBits) & supportedXcr0) | Fp;
        // R9: AVX-512 needs every one of its three components and AVX.
        x = Group(x, ArchMasks.Avx512, supportedXcr0, also: Ymm);
        // R9: AVX needs SSE.
        if (x.Overlaps(Ymm)) x = Sse.IsSubsetOf(supportedXcr0) ? x | Sse : x.Except(Ymm | ArchMasks.Avx512);
        x = Group(x, ArchMasks.Mpx, supportedXcr0);
        x = Group(x, ArchMasks.Xtile, supportedXcr0);
        return x & supportedXcr0;
    }

    /// <summary>
    /// A value XSETBV refuses (R8/R9), made from a valid one by breaking one rule picked by <paramref name="choice"/>:
    /// x87 cleared, AVX without SSE, a reserved bit (63) set, or half a pair (TILECFG without TILEDATA, or one MPX
    /// component). Rules the CPU cannot express (e.g. no AMX) fall back to the reserved bit.
    /// </summary>
    public static FeatureMask InvalidXcr0(FeatureMask valid, int choice, FeatureMask supportedXcr0)
    {
        switch (choice & 3)
        {
            case 0:
                return valid.Without(XFeature.Fp);
            case 1 when Ymm.IsSubsetOf(supportedXcr0):
                return (valid | Ymm).Except(Sse | ArchMasks.Avx512);
            case 3 when ArchMasks.Xtile.IsSubsetOf(supportedXcr0):
                return valid.Except(ArchMasks.Xtile).With(XFeature.XtileCfg);
            case 3 when ArchMasks.Mpx.IsSubsetOf(supportedXcr0):
                return valid.Except(ArchMasks.Mpx).With(XFeature.BndRegs);
            default:
                return valid.With(XFeatures.CompactedFormatBit);
        }
    }

    private static FeatureMask Group(FeatureMask x, FeatureMask group, FeatureMask supported, FeatureMask also = default)
    {
        if (!x.Overlaps(group)) return x;
        var needed = group | also;
        return needed.IsSubsetOf(supported) ? x | needed : x.Except(group);
    }
}
