using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>What fpu_free_guest_fpstate did (R56).</summary>
public enum GuestFreeResult
{
    /// <summary>There was no fpstate (NULL): nothing to do.</summary>
    NoOp,
    /// <summary>The fpstate was freed; the container's fpstate pointer is NULL now.</summary>
    Freed,
    /// <summary>WARN_ON_ONCE: not vmalloc'ed, not a guest fpstate, or in use; nothing freed.</summary>
    RefusedWarn,
}

public static partial class FpstateOps
{
    /// <summary>sizeof(struct kvm_xsave): the base KVM uABI size of a guest FPU (H5).</summary>
    public const uint KvmXsaveSize = 4096;

    /// <summary>
    /// fpu_alloc_guest_fpstate (R55) for a vCPU of <paramref name="process"/>: a zeroed buffer of
    /// guest_default_cfg.size, is_valloc = is_guest = 1, __fpstate_reset (guest defaults, XFD 0), fpstate_init_user
    /// (R52 header, FCW/MXCSR defaults in memory); the container gets guest_default_cfg.features (H4) and uabi_size
    /// 4096 (raised to user.default_size if that is larger, with a WARN); then the group's guest permissions are
    /// locked (R63, 64-bit only). Returns null when the allocation fails (KVM then fails with -ENOMEM); nothing is
    /// locked in that case.
    /// </summary>
    public static FpuGuest? AllocGuest(BootResult boot, LinuxProcess process)
    {
        if (process.FailAllocations) return null;

        var fps = new Fpstate { IsValloc = true, IsGuest = true };
        // H3: sized with guest_default_cfg.size, which covers guest_default_cfg.features (CET_KERNEL included).
        Reset(boot, fps, guest: true);
        InitUser(boot, fps);

        var gfpu = new FpuGuest
        {
            Fpstate = fps,
            Xfeatures = boot.Guest.Features,
            UabiSize = KvmXsaveSize,
        };
        if (boot.User.DefaultSize > gfpu.UabiSize) gfpu.UabiSize = boot.User.DefaultSize;

        LockGuestPermissions(boot, process);
        return gfpu;
    }

    /// <summary>
    /// fpu_lock_guest_permissions (R63): guest_perm.__state_perm |= FPU_GUEST_PERM_LOCKED. No-op on 32-bit kernels.
    /// </summary>
    public static void LockGuestPermissions(BootResult boot, LinuxProcess process)
    {
        if (!boot.Config.Is64Bit) return;
        process.GuestPerm = process.GuestPerm with { StatePerm = process.GuestPerm.StatePerm | XfeatureMasks.GuestPermLocked };
    }

    /// <summary>
    /// fpu_free_guest_fpstate (R56): nothing when there is no fpstate; refuses (WARN) when the fpstate is not a
    /// vmalloc'ed guest fpstate or is in use; else frees it and leaves the container without one.
    /// </summary>
    public static GuestFreeResult FreeGuest(FpuGuest? guest)
    {
        if (guest is null || guest.Freed) return GuestFreeResult.NoOp;
        var fps = guest.Fpstate;
        if (!fps.IsValloc || !fps.IsGuest || fps.InUse) return GuestFreeResult.RefusedWarn;
        guest.Freed = true;
        return GuestFreeResult.Freed;
    }
}
