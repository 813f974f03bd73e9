using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Fpu;

public static partial class FpstateOps
{
    /// <summary>
    /// __xfd_enable_feature (R58) run by thread <paramref name="threadId"/> (default: the leader): only USER_DYNAMIC
    /// bits of <paramref name="xfdErr"/> count; none -> 0 (the host path logs "Invalid xfd error"); not all permitted
    /// in the group's perm (guest_perm when <paramref name="guest"/> is given) -> -EPERM with nothing changed; else
    /// fpstate_realloc with the permission's sizes, -EFAULT if that fails.
    /// </summary>
    public static KResult XfdEnableFeature(BootResult boot, LinuxProcess process, FeatureMask xfdErr, FpuGuest? guest,
        int threadId = LinuxProcess.LeaderId)
    {
        var xfdEvent = xfdErr & XfeatureMasks.UserDynamic;
        if (xfdEvent.IsEmpty) return KResult.Ok;

        var perm = guest is null ? process.Perm : process.GuestPerm;
        if (!xfdEvent.IsSubsetOf(perm.StatePerm)) return Errno.EPERM;

        // The permission's sizes cover every permitted feature, so ksize may exceed calc(new xfeatures) (R57).
        var result = Realloc(boot, process, threadId, xfdEvent, perm.StateSize, perm.UserStateSize, guest);
        return result.IsError ? Errno.EFAULT : KResult.Ok;
    }

    /// <summary>
    /// fpu_enable_guest_xfd_features (R58): features already enabled in the container are dropped; nothing left -> 0;
    /// else __xfd_enable_feature for the guest (so -EPERM without ARCH_REQ_XCOMP_GUEST_PERM, KO §3d).
    /// </summary>
    public static KResult EnableGuestXfdFeatures(BootResult boot, LinuxProcess process, FpuGuest guest,
        FeatureMask xfeatures, int threadId = LinuxProcess.LeaderId)
    {
        var missing = xfeatures.Except(guest.Xfeatures);
        if (missing.IsEmpty) return KResult.Ok;
        return XfdEnableFeature(boot, process, missing, guest, threadId);
    }
}
