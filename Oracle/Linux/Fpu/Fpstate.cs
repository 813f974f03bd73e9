using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// struct fpstate (SPEC R49): one register buffer and what it is sized for. <see cref="Regs"/> is the real XSAVE area
/// (legacy region, header, components) in the format the kernel uses (compacted when XSAVEC or XSAVES, R39).
/// Mutable, like the kernel object: operations change it in place and the model reports the state after.
/// </summary>
public sealed class Fpstate
{
    /// <summary>Kernel buffer bytes (the XSAVE area size this fpstate was allocated for).</summary>
    public uint Size { get; set; }
    /// <summary>UABI bytes (ptrace, signal frames, KVM_GET_XSAVE2).</summary>
    public uint UserSize { get; set; }
    /// <summary>Features the buffer is sized for: the RFBM of XSAVE* on this buffer.</summary>
    public FeatureMask Xfeatures { get; set; }
    /// <summary>Features valid in UABI buffers.</summary>
    public FeatureMask UserXfeatures { get; set; }
    /// <summary>The IA32_XFD value for this context.</summary>
    public FeatureMask Xfd { get; set; }
    public bool IsValloc { get; set; }
    public bool IsGuest { get; set; }
    public bool IsConfidential { get; set; }
    public bool InUse { get; set; }

    /// <summary>The register buffer, <see cref="Size"/> bytes.</summary>
    public byte[] Regs { get; set; } = [];

    /// <summary>True when the buffer has an XSAVE header; a legacy (FXSAVE/FSAVE) buffer without XSAVE has none (R43).</summary>
    public bool HasXsaveHeader => Regs.Length >= 576;

    /// <summary>The header's XSTATE_BV; 0 for a legacy buffer, which has no header.</summary>
    public ulong XstateBv
    {
        get => HasXsaveHeader ? BitConverter.ToUInt64(Regs, 512) : 0;
        set => BitConverter.TryWriteBytes(Regs.AsSpan(512, 8), value);
    }

    /// <summary>The header's XCOMP_BV; 0 for a legacy buffer.</summary>
    public ulong XcompBv
    {
        get => HasXsaveHeader ? BitConverter.ToUInt64(Regs, 520) : 0;
        set => BitConverter.TryWriteBytes(Regs.AsSpan(520, 8), value);
    }

    public Fpstate Clone()
    {
        var copy = (Fpstate)MemberwiseClone();
        copy.Regs = (byte[])Regs.Clone();
        return copy;
    }
}
