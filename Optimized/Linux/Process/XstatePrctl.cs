using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>
/// arch_prctl's XCOMP family (fpu_xstate_prctl, SPEC R64) and xstate_request_perm (R65, R67). Every path returns the
/// kernel's long and allocates nothing.
/// </summary>
public static class XstatePrctl
{
    public const int GetXcompSupp = 0x1021;
    public const int GetXcompPerm = 0x1022;
    public const int ReqXcompPerm = 0x1023;
    public const int GetXcompGuestPerm = 0x1024;
    public const int ReqXcompGuestPerm = 0x1025;

    /// <summary>ARCH_XCOMP_TILEDATA: the only facility number (R65 step 2).</summary>
    public const ulong XcompTileData = 18;

    /// <summary>
    /// arch_prctl(option, arg) in <paramref name="group"/>. GET options store a u64 at <paramref name="arg"/>:
    /// <paramref name="written"/> is that value (valid only when the result is 0); NULL or a bad pointer -> -EFAULT.
    /// REQ options take a component number. Other options -> -EINVAL.
    /// </summary>
    public static long ArchPrctl(BootTables b, TaskGroup group, int option, ulong arg, bool badPointer, out ulong written)
    {
        written = 0;
        ulong value;
        switch (option)
        {
            case GetXcompSupp:
                value = b.User.MaxFeatures | b.User.LegacyFeatures;
                break;
            case GetXcompPerm:
                // R64: supervisor bits (and LOCKED) never leave the kernel.
                value = group.Perm.StatePerm & b.UserSupported;
                break;
            case GetXcompGuestPerm:
                value = group.GuestPerm.StatePerm & b.UserSupported;
                break;
            case ReqXcompPerm:
            case ReqXcompGuestPerm:
                if (!b.Config.Is64Bit) return -(long)Errno.EOPNOTSUPP;
                return RequestPerm(b, group, arg, guest: option == ReqXcompGuestPerm);
            default:
                return -(long)Errno.EINVAL;
        }

        // put_user((u64 __user *)arg).
        if (arg == 0 || badPointer) return -(long)Errno.EFAULT;
        written = value;
        return 0;
    }

    /// <summary>xstate_request_perm (R65), steps in the kernel's order.</summary>
    public static long RequestPerm(BootTables b, TaskGroup group, ulong idx, bool guest)
    {
        // Step 1.
        if (idx >= Xfeatures.Max) return -(long)Errno.EINVAL;

        // Step 2: xstate_prctl_req[] names only XTILE_DATA.
        ulong requested = idx == XcompTileData ? Xfeatures.UserDynamic : 0;
        if (requested == 0) return -(long)Errno.EOPNOTSUPP;

        // Step 3: not supported by this kernel (no AMX, or no XFD).
        if ((requested & ~b.User.MaxFeatures) != 0) return -(long)Errno.EOPNOTSUPP;

        // Step 4: lockless fast path, also for LOCKED guest permissions.
        var perm = guest ? group.GuestPerm : group.Perm;
        if ((requested & ~perm.StatePerm) == 0) return 0;

        // Step 5 (under siglock): guest permissions are frozen by the first vCPU.
        if (guest && perm.Locked) return -(long)Errno.EBUSY;

        return GrantPerm(b, group, perm, requested, guest);
    }

    /// <summary>__xstate_request_perm (R65 step 6, R67).</summary>
    private static long GrantPerm(BootTables b, TaskGroup group, FpuStatePerm perm, ulong requested, bool guest)
    {
        if ((requested & ~perm.StatePerm) == 0) return 0;

        // H1: the whole mask is kept, supervisor bits and LOCKED included; LOCKED is not a component.
        ulong mask = perm.StatePerm | requested;
        uint ksize = b.CalculateSize(mask & ~Xfeatures.GuestPermLocked, b.Compacted);
        uint usize = b.CalculateSize(mask & b.UserSupported, compacted: false);

        // validate_sigaltstack (host permission only).
        if (!guest)
        {
            ulong framesize = b.MaxFrameSize - b.User.MaxSize + usize;
            foreach (var t in group.Threads)
                if (t.SigaltstackSize != 0 && t.SigaltstackSize < framesize) return -(long)Errno.ENOSPC;
        }

        var granted = new FpuStatePerm(mask, ksize, usize);
        if (guest) group.GuestPerm = granted;
        else group.Perm = granted;
        return 0;
    }
}
