using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// struct fpu_guest (SPEC R50): KVM's pseudo FPU container of one vCPU. (The perm field was dropped by the CET series.)
/// </summary>
public sealed class FpuGuest
{
    /// <summary>Features enabled for the vCPU; must always equal Fpstate.Xfeatures (I9, H4).</summary>
    public FeatureMask Xfeatures { get; set; }
    public ulong XfdErr { get; set; }
    /// <summary>Size of the KVM_GET/SET_XSAVE(2) image: 4096 (sizeof(struct kvm_xsave)) or more after AMX (R55, H5).</summary>
    public uint UabiSize { get; set; }
    public required Fpstate Fpstate { get; set; }

    /// <summary>fpu_free_guest_fpstate ran: the kernel's gfpu->fpstate is NULL from then on (R56).</summary>
    public bool Freed { get; set; }
}
