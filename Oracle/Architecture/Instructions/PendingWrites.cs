using System.Buffers.Binary;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The bytes a save instruction stores, collected in SDM order and written together at the end, so that a #PF
/// (fault order step 9) can be decided before memory changes.
/// </summary>
internal sealed class PendingWrites
{
    private readonly List<(ByteRange Range, byte[] Bytes)> writes = [];

    public IEnumerable<ByteRange> Ranges => writes.Select(w => w.Range);

    public void Bytes(int offset, ReadOnlySpan<byte> bytes) => writes.Add((new ByteRange(offset, bytes.Length), bytes.ToArray()));

    public void UInt32(int offset, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Bytes(offset, bytes);
    }

    public void UInt64(int offset, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Bytes(offset, bytes);
    }

    /// <summary>The first write that does not fit in the buffer, if any.</summary>
    public ByteRange? FirstOutside(XsaveBuffer buffer)
    {
        foreach (var (range, _) in writes)
            if (!buffer.Covers(range)) return range;
        return null;
    }

    public XsaveBuffer ApplyTo(XsaveBuffer buffer)
    {
        var bytes = buffer.Bytes.ToArray();
        foreach (var (range, data) in writes) data.CopyTo(bytes, range.Offset);
        return XsaveBuffer.From(bytes, buffer.Address);
    }
}
