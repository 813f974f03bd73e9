namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// struct membuf: a destination written front to back; writes past the end are silently cut (that is how a short
/// ptrace iov_len gets a truncated copy, KO §6b).
/// </summary>
public sealed class MemBuf
{
    private readonly byte[] buffer;
    private int position;

    public MemBuf(int length) => buffer = new byte[length];

    /// <summary>Bytes still writable (membuf.left).</summary>
    public int Left => buffer.Length - position;

    /// <summary>membuf_write.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        int n = Math.Min(bytes.Length, Left);
        bytes[..n].CopyTo(buffer.AsSpan(position));
        position += n;
    }

    /// <summary>membuf_zero.</summary>
    public void Zero(int count)
    {
        int n = Math.Min(count, Left);
        buffer.AsSpan(position, n).Clear();
        position += n;
    }

    public byte[] ToArray() => buffer;
}
