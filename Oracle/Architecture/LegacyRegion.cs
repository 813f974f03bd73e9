using Xsave.Contract;
using Xsave.Contract.Layouts;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The 512-byte legacy region (the FXSAVE image, SPEC R12) and the 64-byte XSAVE header (R13), as named offsets.
/// </summary>
public static class LegacyRegion
{
    public const int Fcw = 0;            // 2 bytes
    public const int Fsw = 2;            // 2 bytes
    public const int Ftw = 4;            // abridged tag word, 1 byte
    public const int Fop = 6;            // 2 bytes
    public const int Fip = 8;            // 8 bytes
    public const int Fdp = 16;           // 8 bytes
    public const int Mxcsr = 24;         // 4 bytes
    public const int MxcsrMask = 28;     // 4 bytes
    public const int StRegisters = 32;   // 8 x 16 bytes
    public const int XmmRegisters = 160; // 16 x 16 bytes
    public const int Reserved = 416;     // 416..463
    public const int SwReserved = 464;   // 464..511, software-available

    public const int XstateBv = 512;     // header: u64
    public const int XcompBv = 520;      // header: u64
    public const int HeaderReserved = 528; // 48 bytes

    /// <summary>x87 state: bytes 0..159 of the legacy region, except MXCSR and MXCSR_MASK at 24..31 which belong to SSE.</summary>
    public static readonly ComponentPlacement X87Placement = new((int)XFeature.Fp, 0, 160);

    /// <summary>SSE state: XMM0-15 at 160..415 (and MXCSR at 24).</summary>
    public static readonly ComponentPlacement SsePlacement = new((int)XFeature.Sse, XmmRegisters, 256);

    /// <summary>Init values (SPEC R17): FCW = 0x037F, MXCSR = 0x1F80, everything else zero.</summary>
    public const ushort InitFcw = 0x037F;
    public const uint InitMxcsr = 0x1F80;
}
