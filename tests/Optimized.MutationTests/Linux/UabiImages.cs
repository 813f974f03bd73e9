using System.Buffers.Binary;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>Standard-format (UABI) xstate images for PTRACE_SETREGSET: a byte pattern, the x87/SSE control words and a
/// clean header with the XSTATE_BV given (R68).</summary>
internal static class UabiImages
{
    public static byte[] Image(int length, ulong xstateBv, uint mxcsr = 0x1F80)
    {
        var image = new byte[length];
        for (int i = 0; i < length; i++) image[i] = (byte)(i * 7 + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0), 0x37F);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(24), mxcsr);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(28), 0xFFFF);
        if (length >= 576)
        {
            image.AsSpan(512, 64).Clear();
            BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(512), xstateBv);
        }
        return image;
    }

    public static uint Mxcsr(byte[] image) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(24));
}
