using System.Buffers.Binary;

namespace Xsave.Cli.Kernel;

/// <summary>The fields of an XSAVE-format image the checks compare (R12, R13; the uABI sw_reserved word at 464).</summary>
public sealed record ImageFields(ulong XstateBv, ulong XcompBv, ulong SwXfeatures, uint Mxcsr, bool HeaderReservedNonZero)
{
    public static ImageFields Of(ReadOnlySpan<byte> image) => new(
        U64(image, 512), U64(image, 520), U64(image, 464), image.Length >= 28 ? BinaryPrimitives.ReadUInt32LittleEndian(image[24..]) : 0,
        image.Length > 528 && image[528..Math.Min(576, image.Length)].ContainsAnyExcept((byte)0));

    public static ImageFields Of(ProbeLine line) => new(
        line.Hex("xstate_bv") ?? 0, line.Hex("xcomp_bv") ?? 0, line.Hex("sw_xfeatures") ?? 0, (uint)(line.Hex("mxcsr") ?? 0),
        line.Int("header_reserved_nonzero") == 1);

    private static ulong U64(ReadOnlySpan<byte> b, int off) => b.Length >= off + 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b[off..]) : 0;

    public override string ToString() =>
        $"XSTATE_BV 0x{XstateBv:x}, XCOMP_BV 0x{XcompBv:x}, sw_reserved[0] 0x{SwXfeatures:x}, MXCSR 0x{Mxcsr:x}" +
        (HeaderReservedNonZero ? ", reserved header bytes set" : "");
}
