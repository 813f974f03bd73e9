using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Process;

public sealed partial class LinuxProcess
{
    /// <summary>arch_prctl(option, arg) for the XCOMP options (R64); see the overload with the written value.</summary>
    public KResult ArchPrctl(int option, ulong arg, bool argIsValidPointer = true) =>
        ArchPrctl(option, arg, out _, argIsValidPointer);

    /// <summary>
    /// arch_prctl(option, arg) (fpu_xstate_prctl, R64). GET options store a u64 at the user address
    /// <paramref name="arg"/> (<paramref name="written"/> is that value, null when nothing was stored): address 0, or
    /// any address the caller marks invalid, faults with -EFAULT. REQ options take a component number in
    /// <paramref name="arg"/> (R65). Any other option: -EINVAL (the non-XCOMP arch_prctl options are not modelled).
    /// </summary>
    public KResult ArchPrctl(int option, ulong arg, out ulong? written, bool argIsValidPointer = true)
    {
        written = null;
        switch (option)
        {
            case ArchPrctlOptions.GetXcompSupp:
                // R64: user.max_features | user.legacy_features.
                return PutUser(Boot.User.MaxFeatures | Boot.User.LegacyFeatures, arg, argIsValidPointer, out written);

            case ArchPrctlOptions.GetXcompPerm:
                // R64: the host group permission without supervisor bits.
                return PutUser(Perm.StatePerm & Boot.UserSupported, arg, argIsValidPointer, out written);

            case ArchPrctlOptions.GetXcompGuestPerm:
                // R64: the guest group permission without supervisor bits and without LOCKED.
                return PutUser(GuestPerm.StatePerm & Boot.UserSupported, arg, argIsValidPointer, out written);

            case ArchPrctlOptions.ReqXcompPerm:
            case ArchPrctlOptions.ReqXcompGuestPerm:
                // R64: no dynamic features on 32-bit kernels.
                if (!Boot.Config.Is64Bit) return Errno.EOPNOTSUPP;
                return RequestPermission(arg, guest: option == ArchPrctlOptions.ReqXcompGuestPerm);

            default:
                return Errno.EINVAL;
        }
    }

    private static KResult PutUser(FeatureMask value, ulong address, bool valid, out ulong? written)
    {
        written = null;
        if (address == 0 || !valid) return Errno.EFAULT;
        written = value.Bits;
        return KResult.Ok;
    }

    /// <summary>xstate_request_perm(idx, guest) (R65), its steps in the kernel's order.</summary>
    private KResult RequestPermission(ulong idx, bool guest)
    {
        // R65 step 1: unknown component number.
        if (idx >= XFeatures.Max) return Errno.EINVAL;

        // R65 step 2: a facility is named by its highest component; only TILEDATA (18) names one.
        var requested = idx == ArchPrctlOptions.XcompTileData ? XfeatureMasks.UserDynamic : FeatureMask.None;
        if (requested.IsEmpty) return Errno.EOPNOTSUPP;

        // R65 step 3: the kernel must support it (no AMX, or no XFD).
        if (!requested.IsSubsetOf(Boot.User.MaxFeatures)) return Errno.EOPNOTSUPP;

        // R65 step 4: lockless check, succeeds even when guest permissions are locked.
        var perm = guest ? GuestPerm : Perm;
        if (requested.IsSubsetOf(perm.StatePerm)) return KResult.Ok;

        // R65 step 5: under siglock, the first vCPU has locked guest permissions.
        if (guest && perm.Locked) return Errno.EBUSY;

        return GrantPermission(perm, requested, guest);
    }

    /// <summary>__xstate_request_perm (R65 step 6, R67).</summary>
    private KResult GrantPermission(FpuStatePerm permitted, FeatureMask requested, bool guest)
    {
        if (requested.IsSubsetOf(permitted.StatePerm)) return KResult.Ok;

        // H1: the whole permitted mask is kept, supervisor bits included (never masked to USER_SUPPORTED).
        var mask = permitted.StatePerm | requested;
        uint ksize = XstateSizes.Calculate(Boot, mask, Boot.Compacted);
        uint usize = XstateSizes.Calculate(Boot, mask & Boot.UserSupported, compacted: false);

        // R65: every thread's sigaltstack must hold the larger signal frame (host permission only).
        if (!guest)
        {
            ulong framesize = SignalFrames.RequiredForPermission(Boot, usize);
            if (_threads.Any(t => t.SigaltstackSize != 0 && t.SigaltstackSize < framesize)) return Errno.ENOSPC;
        }

        var granted = new FpuStatePerm(mask, ksize, usize);
        if (guest) GuestPerm = granted;
        else Perm = granted;
        return KResult.Ok;
    }
}
