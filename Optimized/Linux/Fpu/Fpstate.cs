using System.Buffers.Binary;

namespace Xsave.Optimized.Linux.Fpu;

/// <summary>
/// struct fpstate (R49): one kernel register buffer and what it is sized for. <see cref="Regs"/> is the XSAVE area in
/// the kernel's format (compacted with XSAVEC/XSAVES). Mutable like the kernel object.
/// </summary>
public sealed class Fpstate
{
    public Fpstate(uint size)
    {
        Size = size;
        Regs = new byte[size];
    }

    /// <summary>Kernel buffer bytes.</summary>
    public uint Size { get; set; }

    /// <summary>UABI bytes.</summary>
    public uint UserSize { get; set; }

    /// <summary>RFBM of XSAVE* on this buffer.</summary>
    public ulong Xfeatures { get; set; }

    /// <summary>Features valid in UABI buffers.</summary>
    public ulong UserXfeatures { get; set; }

    /// <summary>IA32_XFD for this context.</summary>
    public ulong Xfd { get; set; }

    public bool IsValloc { get; set; }
    public bool IsGuest { get; set; }
    public bool IsConfidential { get; set; }
    public bool InUse { get; set; }

    /// <summary>The register buffer; its length is the allocation (equal to <see cref="Size"/>).</summary>
    public byte[] Regs { get; set; }

    /// <summary>The header's XSTATE_BV; 0 for a legacy buffer without a header (writes are then dropped).</summary>
    public ulong XstateBv
    {
        get => HasHeader ? BinaryPrimitives.ReadUInt64LittleEndian(Regs.AsSpan(HeaderXstateBv)) : 0;
        set { if (HasHeader) BinaryPrimitives.WriteUInt64LittleEndian(Regs.AsSpan(HeaderXstateBv), value); }
    }

    /// <summary>The header's XCOMP_BV; 0 for a legacy buffer without a header.</summary>
    public ulong XcompBv
    {
        get => HasHeader ? BinaryPrimitives.ReadUInt64LittleEndian(Regs.AsSpan(HeaderXcompBv)) : 0;
        set { if (HasHeader) BinaryPrimitives.WriteUInt64LittleEndian(Regs.AsSpan(HeaderXcompBv), value); }
    }

    private const int HeaderXstateBv = Linux.Xfeatures.XstateBvOffset;
    private const int HeaderXcompBv = Linux.Xfeatures.XcompBvOffset;

    /// <summary>Whether the buffer has an XSAVE header at all (legacy buffers are 512 bytes or less).</summary>
    public bool HasHeader => Regs.Length >= Linux.Xfeatures.XregsStateSize;
}
