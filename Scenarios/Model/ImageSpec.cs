using System.Buffers.Binary;

namespace Xsave.Scenarios.Model;

/// <summary>
/// An XSAVE image described instead of dumped: its size, a fill byte, and the fields that matter (header words, MXCSR,
/// FCW, any little-endian word at an offset). <see cref="FromSaved"/> starts from the last image this side produced
/// (a KVM_GET_XSAVE(2) or PTRACE_GETREGSET result, or the buffer an instruction wrote) instead of zeros.
/// </summary>
public sealed record ImageSpec(bool FromSaved, int? Size, byte Fill, IReadOnlyList<ImageWrite> Writes, ulong? Address = null)
{
    public byte[] Build(byte[]? saved, int defaultSize)
    {
        byte[] bytes;
        if (FromSaved)
        {
            if (saved is null) throw new StepInputException("image 'saved': no earlier step of this scenario produced an image on this side");
            bytes = (byte[])saved.Clone();
            if (Size is { } s && s != bytes.Length) Array.Resize(ref bytes, s);
        }
        else
        {
            bytes = new byte[Size ?? defaultSize];
            Array.Fill(bytes, Fill);
        }
        foreach (var w in Writes)
        {
            if (w.Offset < 0 || w.Offset + w.Width > bytes.Length)
                throw new StepInputException($"image write of {w.Width} bytes at offset {w.Offset} is outside the {bytes.Length}-byte image");
            var span = bytes.AsSpan(w.Offset, w.Width);
            switch (w.Width)
            {
                case 1: span[0] = (byte)w.Value; break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)w.Value); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)w.Value); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(span, w.Value); break;
            }
        }
        return bytes;
    }
}

/// <summary>Write <see cref="Value"/> as a <see cref="Width"/>-byte little-endian word at <see cref="Offset"/>.</summary>
public sealed record ImageWrite(int Offset, int Width, ulong Value);
