using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// struct _fpx_sw_bytes, the 48 bytes at 464..511 of a signal frame's fpstate (R72, KO §6a): magic1 (u32),
/// extended_size (u32), xfeatures (u64), xstate_size (u32), 7 u32 of padding. magic2 (u32) follows the xstate area,
/// at offset xstate_size.
/// </summary>
public sealed record FpxSwBytes(uint Magic1, uint ExtendedSize, FeatureMask Xfeatures, uint XstateSize)
{
    public const uint FpXstateMagic1 = 0x46505853; // "FPXS"
    public const uint FpXstateMagic2 = 0x46505845; // "FPXE"
    public const int Magic2Size = 4;
    public const int Size = 48;

    public static FpxSwBytes Read(ReadOnlySpan<byte> frame) => new(
        BitConverter.ToUInt32(frame.Slice(LegacyRegion.SwReserved, 4)),
        BitConverter.ToUInt32(frame.Slice(LegacyRegion.SwReserved + 4, 4)),
        new FeatureMask(BitConverter.ToUInt64(frame.Slice(LegacyRegion.SwReserved + 8, 8))),
        BitConverter.ToUInt32(frame.Slice(LegacyRegion.SwReserved + 16, 4)));

    /// <summary>The 48 bytes, padding zero.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), Magic1);
        BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), ExtendedSize);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), Xfeatures.Bits);
        BitConverter.TryWriteBytes(bytes.AsSpan(16, 4), XstateSize);
        return bytes;
    }
}
