using System.Buffers.Binary;
using System.Numerics;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// Hardware facts of the XSAVE area and the XSAVE masks as named constants (SPEC R12, R13, R17), plus the few
/// little-endian accessors every instruction uses. Index and mask get different names: <c>Sse</c> is bit 1,
/// <c>SseMask</c> is 1 &lt;&lt; 1.
/// </summary>
internal static class XsaveArea
{
    // R12: legacy region (the FXSAVE image).
    public const int Fcw = 0;
    public const int Mxcsr = 24;
    public const int MxcsrMask = 28;
    public const int St0 = 32;
    public const int Xmm0 = 160;
    public const int XmmBytes = 256;
    public const int X87Bytes = 160;

    // R13: the 64-byte header.
    public const int XstateBv = 512;
    public const int XcompBv = 520;
    public const int HeaderEnd = 576;

    /// <summary>R14/R15: the extended region starts after legacy region and header.</summary>
    public const int ExtendedStart = 576;

    // R17: init configuration values that are not zero.
    public const ushort InitFcw = 0x037F;
    public const uint InitMxcsr = 0x1F80;

    public const int X87 = 0, Sse = 1, Ymm = 2;
    public const ulong X87Mask = 1UL << X87;
    public const ulong SseMask = 1UL << Sse;
    public const ulong YmmMask = 1UL << Ymm;
    /// <summary>R13: XCOMP_BV[63], the compacted-format flag.</summary>
    public const ulong CompactedFormat = 1UL << 63;
    /// <summary>Bits that name components outside the legacy region (2..62).</summary>
    public const ulong ExtendedMask = ~(X87Mask | SseMask | CompactedFormat);
    /// <summary>R29: BNDREGS, BNDCSR, CET_U, CET_S — the components INIT clears.</summary>
    public const ulong MpxAndCetMask = (1UL << 3) | (1UL << 4) | (1UL << 11) | (1UL << 12);

    public static int Align64(int offset) => (offset + 63) & ~63;

    /// <summary>Lowest set bit of a non-empty mask (the kernel's for_each_set_bit step).</summary>
    public static int Lowest(ulong mask) => BitOperations.TrailingZeroCount(mask);

    public static ulong ReadU64(ReadOnlySpan<byte> area, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(area[offset..]);
    public static uint ReadU32(ReadOnlySpan<byte> area, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(area[offset..]);
    public static void WriteU64(Span<byte> area, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(area[offset..], value);
    public static void WriteU32(Span<byte> area, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(area[offset..], value);
}
