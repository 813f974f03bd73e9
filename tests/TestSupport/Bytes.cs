using System.Buffers.Binary;
using Xsave.Contract.Machine;

namespace Xsave.TestSupport;

/// <summary>Byte images the tests of every project build and read the same way.</summary>
public static class Bytes
{
    /// <summary><paramref name="length"/> bytes all equal to <paramref name="value"/>.</summary>
    public static byte[] Fill(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    /// <summary>Bytes where byte k = (seed + k) mod 251 + 1: never zero, recognisable at any offset.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int k = 0; k < length; k++) bytes[k] = (byte)((seed + k) % 251 + 1);
        return bytes;
    }

    /// <summary>An x87 image with the pattern everywhere except bytes 24..31 (MXCSR/MXCSR_MASK belong to SSE).</summary>
    public static byte[] X87Pattern(int seed)
    {
        var bytes = Pattern(MachineState.X87ImageSize, seed);
        Array.Clear(bytes, 24, 8);
        return bytes;
    }

    /// <summary>True when bytes [from, to) of the buffer all equal <paramref name="value"/>.</summary>
    public static bool AllEqual(XsaveBuffer b, int from, int to, byte value) => !b.Span(from, to - from).ContainsAnyExcept(value);

    public static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
    public static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
    public static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
    public static void Put32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at, 4), v);
    public static void Put64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at, 8), v);
}
