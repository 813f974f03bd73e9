using System.Buffers.Binary;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Hand-built user images for the directed kernel tests, laid out as the kernel's uapi headers say (not as either
/// implementation writes them): struct fxregs_state (FCW at 0, MXCSR at 24, MXCSR_MASK at 28, XMM0 at 160), the
/// xsave header at 512 (XSTATE_BV, XCOMP_BV at 520), and a 64-bit signal frame's struct _fpx_sw_bytes in sw_reserved
/// (arch/x86/include/uapi/asm/sigcontext.h: magic1 at 464, extended_size 468, xfeatures 472, xstate_size 480) with
/// FP_XSTATE_MAGIC2 right after xstate_size bytes (fpu/signal.c check_xstate_in_sigframe).
/// </summary>
internal static class SigFrameImage
{
    public const uint Magic1 = 0x4650_5853, Magic2 = 0x4650_5845;
    public const int Mxcsr = 24, Xmm0 = 160, SwMagic1 = 464, SwExtended = 468, SwXfeatures = 472, SwXstateSize = 480,
        XstateBv = 512, XcompBv = 520, Ymm0Hi = 576;

    /// <summary>
    /// A standard-form register image of <paramref name="length"/> bytes with XSTATE_BV = <paramref name="bv"/>: init
    /// FCW and MXCSR, XMM0 = 0xA1.., YMM0[255:128] = 0xB2.. (when the image reaches it), a clean header.
    /// </summary>
    public static byte[] Regs(int length, ulong bv, uint mxcsr = 0x1F80)
    {
        var image = new byte[length];
        BinaryPrimitives.WriteUInt16LittleEndian(image, 0x37F);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(Mxcsr), mxcsr);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(Mxcsr + 4), 0xFFFF);
        image.AsSpan(Xmm0, 16).Fill(0xA1);
        if (length >= Ymm0Hi + 16) image.AsSpan(Ymm0Hi, 16).Fill(0xB2);
        if (length >= XcompBv) BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(XstateBv), bv);
        return image;
    }

    /// <summary>
    /// A signal frame: <see cref="Regs"/> of <paramref name="xstateSize"/> bytes, the sw bytes (extended size =
    /// xstate size + 4, <paramref name="swXfeatures"/>), magic2 at xstate_size.
    /// </summary>
    public static byte[] Frame(int xstateSize, ulong swXfeatures, ulong bv, uint mxcsr = 0x1F80)
    {
        var frame = new byte[xstateSize + 4];
        Regs(xstateSize, bv, mxcsr).CopyTo(frame, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(SwMagic1), Magic1);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(SwExtended), (uint)(xstateSize + 4));
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(SwXfeatures), swXfeatures);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(SwXstateSize), (uint)xstateSize);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(xstateSize), Magic2);
        return frame;
    }

    public static byte[] With32(byte[] image, int at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at), value);
        return image;
    }

    public static byte[] With64(byte[] image, int at, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(at), value);
        return image;
    }
}
