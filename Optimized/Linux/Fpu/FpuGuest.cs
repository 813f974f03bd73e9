namespace Xsave.Optimized.Linux.Fpu;

/// <summary>struct fpu_guest (R50): KVM's container of one vCPU's guest FPU.</summary>
public sealed class FpuGuest
{
    public FpuGuest(Fpstate fpstate) => Fpstate = fpstate;

    /// <summary>Features enabled for the vCPU (always equal to Fpstate.Xfeatures, I9).</summary>
    public ulong Xfeatures { get; set; }

    public ulong XfdErr { get; set; }

    /// <summary>Size of the KVM_GET/SET_XSAVE(2) image: 4096, or more after AMX (R55, H5).</summary>
    public uint UabiSize { get; set; }

    /// <summary>The guest fpstate; null once freed (R56).</summary>
    public Fpstate? Fpstate { get; set; }
}

/// <summary>What fpu_free_guest_fpstate did (R56).</summary>
public enum GuestFreeResult
{
    /// <summary>No fpstate: nothing to do.</summary>
    NoOp,
    Freed,
    /// <summary>WARN: not vmalloc'ed, not a guest fpstate, or in use; nothing freed.</summary>
    RefusedWarn,
}
