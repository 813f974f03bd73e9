using System.Buffers.Binary;

namespace Xsave.Optimized.Linux.Uabi;

/// <summary>struct membuf: a destination written front to back, writes past the end cut.</summary>
internal ref struct MemBuf
{
    private readonly Span<byte> _to;
    private int _pos;

    public MemBuf(Span<byte> to)
    {
        _to = to;
        _pos = 0;
    }

    public readonly int Left => _to.Length - _pos;

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        int n = Math.Min(bytes.Length, Left);
        bytes[..n].CopyTo(_to[_pos..]);
        _pos += n;
    }

    public void Zero(int count)
    {
        int n = Math.Min(count, Left);
        _to.Slice(_pos, n).Clear();
        _pos += n;
    }

    public void WriteU64(ulong v)
    {
        Span<byte> tmp = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(tmp, v);
        Write(tmp);
    }

    public void WriteU32(uint v)
    {
        Span<byte> tmp = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tmp, v);
        Write(tmp);
    }
}
