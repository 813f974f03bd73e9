using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// struct fpstate (SPEC R49): one register buffer and what it is sized for. <see cref="Regs"/> is the real XSAVE area
/// (legacy region, header, components) in the format the kernel uses (compacted when XSAVEC or XSAVES, R39).
/// Mutable, like the kernel object: operations change it in place and the model reports the state after.
/// </summary>
public sealed class FpState
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

    public ulong XstateBv
    {
        get => BitConverter.ToUInt64(Regs, 512);
        set => BitConverter.TryWriteBytes(Regs.AsSpan(512, 8), value);
    }

    public ulong XcompBv
    {
        get => BitConverter.ToUInt64(Regs, 520);
        set => BitConverter.TryWriteBytes(Regs.AsSpan(520, 8), value);
    }

    public FpState Clone()
    {
        var copy = (FpState)MemberwiseClone();
        copy.Regs = (byte[])Regs.Clone();
        return copy;
    }
}
