using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// struct fpu_state_perm (SPEC R62), kept in the thread-group leader: the permitted features (supervisor bits and the
/// software bit FPU_GUEST_PERM_LOCKED = bit 63 included), the kernel buffer size and the UABI size for that set.
/// </summary>
public sealed record FpuStatePerm(FeatureMask StatePerm, uint StateSize, uint UserStateSize)
{
    public bool Locked => StatePerm.Overlaps(XfeatureMasks.GuestPermLocked);
}
