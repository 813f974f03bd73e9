using Xsave.Contract;
using Xsave.Contract.Registers;

namespace Xsave.Optimized.Architecture;

/// <summary>
/// XCR0 / IA32_XSS / IA32_XFD acceptance as bit tests. The verdict allocates only when a value is refused: the
/// accepted path returns the shared <see cref="ValidityResult.Ok"/>.
/// </summary>
public static class RegisterChecks
{
    private const ulong X87 = 1, Sse = 2, Ymm = 4, Mpx = 0x18, Avx512 = 0xE0, Xtile = 0x60000;

    /// <summary>The whole XSETBV value check in one expression (the kernel-style fast path).</summary>
    public static bool IsValidXcr0(ulong x, ulong supported) =>
        (x & X87) != 0
        && (x & (Sse | Ymm)) != Ymm
        && (x & ~supported) == 0
        && ((x & Mpx) == 0 || (x & Mpx) == Mpx)
        && ((x & Avx512) == 0 || ((x & Avx512) == Avx512 && (x & Ymm) != 0))
        && ((x & Xtile) == 0 || (x & Xtile) == Xtile);

    /// <summary>Which R8/R9 refusals apply, one bit per code in the order <see cref="CheckXcr0"/> lists them.</summary>
    public static int Xcr0RefusalCodes(ulong x, ulong supported) =>
        ((x & X87) == 0 ? 1 : 0)
        | ((x & (Sse | Ymm)) == Ymm ? 2 : 0)
        | ((x & ~supported) != 0 ? 4 : 0)
        | ((x & Mpx) != 0 && (x & Mpx) != Mpx ? 8 : 0)
        | ((x & Avx512) != 0 && (x & Avx512) != Avx512 ? 16 : 0)
        | ((x & Avx512) != 0 && (x & Ymm) == 0 ? 32 : 0)
        | ((x & Xtile) != 0 && (x & Xtile) != Xtile ? 64 : 0);

    public static ValidityResult CheckXcr0(ulong x, ulong supported)
    {
        if (IsValidXcr0(x, supported)) return ValidityResult.Ok;
        var list = new List<Rejection>(2);
        if ((x & X87) == 0) list.Add(new("R8", RejectionCode.X87Missing, "x87 (bit 0) is clear"));
        if ((x & (Sse | Ymm)) == Ymm) list.Add(new("R8", RejectionCode.AvxWithoutSse, "AVX (bit 2) without SSE (bit 1)"));
        if ((x & ~supported) != 0)
            list.Add(new("R8", RejectionCode.Xcr0Unsupported, $"bits outside supported XCR0 0x{supported:x}")); // shared by every value with these codes
        if ((x & Mpx) != 0 && (x & Mpx) != Mpx) list.Add(new("R9", RejectionCode.MpxHalf, "one of BNDREGS/BNDCSR"));
        if ((x & Avx512) != 0 && (x & Avx512) != Avx512) list.Add(new("R9", RejectionCode.Avx512Partial, "part of AVX-512 (bits 5-7)"));
        if ((x & Avx512) != 0 && (x & Ymm) == 0) list.Add(new("R9", RejectionCode.Avx512WithoutAvx, "AVX-512 without AVX"));
        if ((x & Xtile) != 0 && (x & Xtile) != Xtile) list.Add(new("R9", RejectionCode.AmxHalf, "one of TILECFG/TILEDATA"));
        return new ValidityResult(list);
    }

    public static ValidityResult CheckXss(ulong x, ulong supported, bool hasXsaves)
    {
        bool noMsr = !hasXsaves && x != 0;
        ulong outside = x & ~supported;
        if (!noMsr && outside == 0) return ValidityResult.Ok;
        var list = new List<Rejection>(2);
        if (noMsr) list.Add(new("R10", RejectionCode.XssWithoutXsaves, "no XSAVES, no IA32_XSS"));
        if (outside != 0) list.Add(new("R10", RejectionCode.XssUnsupported, $"0x{outside:x} outside supported XSS 0x{supported:x}"));
        return new ValidityResult(list);
    }

    public static ValidityResult CheckXfd(ulong x, ulong xfdCapable, bool hasXfd)
    {
        if (x == 0) return ValidityResult.Ok;
        if (!hasXfd) return new ValidityResult([new("R11", RejectionCode.XfdAbsent, "no XFD")]);
        ulong bad = x & ~xfdCapable;
        return bad == 0 ? ValidityResult.Ok
            : new ValidityResult([new("R11", RejectionCode.XfdNotCapable, $"0x{bad:x} not XFD-capable")]);
    }
}
