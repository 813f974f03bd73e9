using Xsave.Contract;
using Xsave.Contract.Registers;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// Which XCR0 values XSETBV accepts (SDM XSETBV; SPEC R8, R9). Every reason is reported, in the order of R9.
/// Conventions: <c>value</c> is EDX:EAX of XSETBV with ECX = 0.
/// </summary>
public static class Xcr0Rules
{
    public static ValidityResult Check(CpuModel cpu, FeatureMask value) => Check(value, cpu.SupportedXcr0);

    /// <summary>R9 Xcr0Valid(x, supportedXcr0), with the reason for each violated clause.</summary>
    public static ValidityResult Check(FeatureMask value, FeatureMask supportedXcr0)
    {
        var rejections = new List<Rejection>();

        // R8: x87 state must always be enabled.
        if (!value.Contains(XFeature.Fp))
            rejections.Add(new("R8", RejectionCode.X87Missing, "bit 0 (x87) must be set"));

        // R8: AVX state without SSE state (XCR0[2:1] = 10b).
        if (value.Contains(XFeature.Ymm) && !value.Contains(XFeature.Sse))
            rejections.Add(new("R8", RejectionCode.AvxWithoutSse, "bit 2 (AVX) requires bit 1 (SSE)"));

        // R8: every bit not in CPUID.(0xD,0).EDX:EAX is reserved, including supervisor bits and bit 63.
        var reserved = value.Except(supportedXcr0);
        if (!reserved.IsEmpty)
            rejections.Add(new("R8", RejectionCode.Xcr0Unsupported, $"bits {reserved} ({reserved.Describe()}) are not supported in XCR0 (CPUID.(0xD,0).EDX:EAX = {supportedXcr0})"));

        // R8/R9: MPX BNDREGS and BNDCSR are enabled together.
        if (value.Contains(XFeature.BndRegs) != value.Contains(XFeature.BndCsr))
            rejections.Add(new("R9", RejectionCode.MpxHalf, "bits 3 and 4 (MPX BNDREGS, BNDCSR) must be set together"));

        // R8/R9: AVX-512: all of bits 7:5 or none, and only together with AVX.
        var avx512 = value & ArchMasks.Avx512;
        if (!avx512.IsEmpty && avx512 != ArchMasks.Avx512)
            rejections.Add(new("R9", RejectionCode.Avx512Partial, "bits 5-7 (AVX-512 opmask, ZMM_Hi256, Hi16_ZMM) must be set together"));
        if (!avx512.IsEmpty && !value.Contains(XFeature.Ymm))
            rejections.Add(new("R9", RejectionCode.Avx512WithoutAvx, "bits 5-7 (AVX-512) require bit 2 (AVX)"));

        // R8/R9: AMX TILECFG and TILEDATA are enabled together.
        var xtile = value & ArchMasks.Xtile;
        if (!xtile.IsEmpty && xtile != ArchMasks.Xtile)
            rejections.Add(new("R9", RejectionCode.AmxHalf, "bits 17 and 18 (AMX TILECFG, TILEDATA) must be set together"));

        // R8: APX (bit 19) pairing rules: none known (UNVERIFIED), so none are modelled.
        return rejections.Count == 0 ? ValidityResult.Ok : new ValidityResult(rejections);
    }
}
