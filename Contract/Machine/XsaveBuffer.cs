using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>
/// The memory operand of XSAVE*/XRSTOR*: the bytes of the area from its first byte, and the linear address of that
/// byte (used only for the 64-byte alignment check, R18). Memory ends where <see cref="Bytes"/> ends: an access beyond
/// it is a page fault. Immutable: an instruction returns a new buffer and never changes its operand.
/// </summary>
public sealed record XsaveBuffer(ImmutableArray<byte> Bytes, ulong Address)
{
    /// <summary>A 64-byte aligned address for buffers whose address does not matter.</summary>
    public const ulong DefaultAddress = 0x7f00_0000_0000;

    public const int XstateBvOffset = XFeatures.HeaderOffset;      // R13: u64 at 512
    public const int XcompBvOffset = XFeatures.HeaderOffset + 8;   // R13: u64 at 520

    [JsonIgnore] public int Length => Bytes.Length;

    public static XsaveBuffer Zeroed(int length, ulong address = DefaultAddress) => Filled(length, 0, address);

    public static XsaveBuffer Filled(int length, byte value, ulong address = DefaultAddress)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return new(ImmutableArray.Create(bytes), address);
    }

    public static XsaveBuffer From(ReadOnlySpan<byte> bytes, ulong address = DefaultAddress) =>
        new(ImmutableArray.Create(bytes.ToArray()), address);

    /// <summary>Whether every byte of <paramref name="range"/> lies inside the buffer.</summary>
    public bool Covers(ByteRange range) => range.Offset >= 0 && range.Length >= 0 && range.End <= Length;

    public ReadOnlySpan<byte> Span(int offset, int length) => Bytes.AsSpan(offset, length);

    public byte ReadByte(int offset) => Bytes[offset];
    public ushort ReadUInt16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(Span(offset, 2));
    public uint ReadUInt32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Span(offset, 4));
    public ulong ReadUInt64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(Span(offset, 8));

    public FeatureMask ReadXstateBv() => new(ReadUInt64(XstateBvOffset));
    public FeatureMask ReadXcompBv() => new(ReadUInt64(XcompBvOffset));

    public XsaveBuffer WithBytes(int offset, ReadOnlySpan<byte> bytes)
    {
        var copy = Bytes.ToArray();
        bytes.CopyTo(copy.AsSpan(offset));
        return this with { Bytes = ImmutableArray.Create(copy) };
    }

    public XsaveBuffer WithByte(int offset, byte value) => WithBytes(offset, [value]);

    public XsaveBuffer WithUInt16(int offset, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return WithBytes(offset, b);
    }

    public XsaveBuffer WithUInt32(int offset, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return WithBytes(offset, b);
    }

    public XsaveBuffer WithUInt64(int offset, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return WithBytes(offset, b);
    }

    public XsaveBuffer WithXstateBv(FeatureMask value) => WithUInt64(XstateBvOffset, value.Bits);
    public XsaveBuffer WithXcompBv(FeatureMask value) => WithUInt64(XcompBvOffset, value.Bits);

    /// <summary>The same bytes at another address (e.g. to test the alignment check).</summary>
    public XsaveBuffer At(ulong address) => this with { Address = address };

    /// <summary>Runs of offsets whose bytes differ from <paramref name="other"/>'s.</summary>
    public IReadOnlyList<ByteRange> DifferingRanges(XsaveBuffer other) => ByteRange.Differing(Bytes.AsSpan(), other.Bytes.AsSpan());

    public bool Equals(XsaveBuffer? other) =>
        other is not null && Address == other.Address && Bytes.AsSpan().SequenceEqual(other.Bytes.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Address, Length);

    public override string ToString() => $"XsaveBuffer({Length} bytes at 0x{Address:x})";
}
