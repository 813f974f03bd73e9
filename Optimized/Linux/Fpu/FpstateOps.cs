using System.Buffers.Binary;
using System.Numerics;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Fpu;

/// <summary>
/// The fpstate functions of core.c and xstate.c (SPEC R48-R58): reset, header init, guest allocation and free,
/// realloc, XFD feature enabling, and moving register state between two buffers. Kernel return values are long
/// (0 or -errno).
/// </summary>
public static class FpstateOps
{
    /// <summary>sizeof(struct kvm_xsave): the base KVM uABI size of a guest FPU (R55, H5).</summary>
    public const uint KvmXsaveSize = 4096;

    /// <summary>
    /// __fpstate_reset (R51) followed by xstate_init_xcomp_bv (R52). A buffer whose length differs from the new size
    /// is replaced by a zeroed one, as a fresh allocation would be.
    /// </summary>
    public static void Reset(BootTables b, Fpstate fps, bool guest)
    {
        if (guest)
        {
            fps.Size = b.Guest.Size;
            fps.Xfeatures = b.Guest.Features;
            fps.Xfd = 0; // architectural RESET value of IA32_XFD (H14)
        }
        else
        {
            fps.Size = b.Kernel.DefaultSize;
            fps.Xfeatures = b.Kernel.DefaultFeatures;
            fps.Xfd = b.InitFpstateXfd;
        }
        fps.UserSize = b.User.DefaultSize;
        fps.UserXfeatures = b.User.DefaultFeatures;
        if (fps.Regs.Length != fps.Size) fps.Regs = new byte[fps.Size];
        InitXcompBv(b, fps, fps.Xfeatures);
    }

    /// <summary>R52 xstate_init_xcomp_bv: XCOMP_BV := mask | bit 63 with the compacted format, else untouched.</summary>
    public static void InitXcompBv(BootTables b, Fpstate fps, ulong mask)
    {
        if (b.XsaveEnabled && b.Compacted) fps.XcompBv = mask | Xfeatures.CompactedFormat;
    }

    /// <summary>fpstate_init_user (R55): header per R52, then FCW/MXCSR defaults (FNSAVE init words without FXSR).</summary>
    public static void InitUser(BootTables b, Fpstate fps)
    {
        InitXcompBv(b, fps, fps.Xfeatures);
        WriteLegacyInit(fps.Regs, b.Has(CpuCaps.Fxsr));
    }

    /// <summary>The x87/SSE init values in memory: FXSAVE-image FCW and MXCSR, or the FNSAVE init words.</summary>
    public static void WriteLegacyInit(Span<byte> regs, bool fxsr)
    {
        if (fxsr)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(regs[Xfeatures.FcwOffset..], Xfeatures.InitFcw);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[Xfeatures.MxcsrOffset..], Xfeatures.InitMxcsr);
        }
        else if (regs.Length >= (int)BootTables.FregsSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(regs[0..], Xfeatures.FsaveInitCwd);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[4..], Xfeatures.FsaveInitSwd);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[8..], Xfeatures.FsaveInitTwd);
            BinaryPrimitives.WriteUInt32LittleEndian(regs[Xfeatures.FsaveFosOffset..], Xfeatures.FsaveInitFos);
        }
    }

    /// <summary>
    /// A task fpstate after fpstate_reset and fpu_reset_fpstate_regs (process start, exec): host defaults (R51) and
    /// the first init_fpstate_copy_size() bytes of init_fpstate (R54).
    /// </summary>
    public static Fpstate NewTask(BootTables b)
    {
        var fps = new Fpstate(b.Kernel.DefaultSize);
        Reset(b, fps, guest: false);
        int n = Math.Min(b.InitCopySize, Math.Min(fps.Regs.Length, b.InitFpstateRegs.Length));
        b.InitFpstateRegs.AsSpan(0, n).CopyTo(fps.Regs);
        return fps;
    }

    /// <summary>
    /// The child fpstate of fpu_clone (R61): reset to the host defaults, the parent's registers saved into it with
    /// RFBM = the child's xfeatures (so never TILEDATA), then XSTATE_BV[PASID] cleared.
    /// </summary>
    public static Fpstate CloneTask(BootTables b, Fpstate parent)
    {
        var child = new Fpstate(b.Kernel.DefaultSize);
        Reset(b, child, guest: false);
        SaveInto(b, parent, child);
        if (b.XsaveEnabled) child.XstateBv &= ~(1UL << Xfeatures.Pasid);
        return child;
    }

    /// <summary>
    /// An XSAVE(S) of the registers held in <paramref name="from"/> into <paramref name="to"/> (RFBM =
    /// to.xfeatures): legacy region, XSTATE_BV := from.XSTATE_BV &amp; RFBM, every extended component in it copied to
    /// its location in <paramref name="to"/>; XCOMP_BV of <paramref name="to"/> stays as initialised. Without XSAVE
    /// the FXSAVE/FNSAVE image is copied whole.
    /// </summary>
    public static void SaveInto(BootTables b, Fpstate from, Fpstate to)
    {
        if (!b.XsaveEnabled)
        {
            int n = Math.Min(from.Regs.Length, to.Regs.Length);
            from.Regs.AsSpan(0, n).CopyTo(to.Regs);
            return;
        }
        from.Regs.AsSpan(0, Xfeatures.LegacyRegionSize).CopyTo(to.Regs);
        ulong saved = from.XstateBv & to.Xfeatures;
        to.XstateBv = saved;
        for (ulong m = saved & ~Xfeatures.FpSse; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            int src = RawAddr(b, from, i), dst = RawAddr(b, to, i);
            int size = ComponentSize(b, i);
            if (src < 0 || dst < 0 || src + size > from.Regs.Length || dst + size > to.Regs.Length) continue;
            from.Regs.AsSpan(src, size).CopyTo(to.Regs.AsSpan(dst));
        }
    }

    /// <summary>xstate_sizes[i] for any i: FP 160, SSE 256, CPUID EAX beyond.</summary>
    public static int ComponentSize(BootTables b, int i) => i switch
    {
        Xfeatures.Fp => Xfeatures.XmmSpaceOffset,
        Xfeatures.Sse => 256,
        _ => b.Tables.Size(i),
    };

    /// <summary>
    /// __raw_xsave_addr (R48): -1 (NULL) for a component outside kernel.max or, compacted, outside the buffer's
    /// XCOMP_BV; FP/SSE at their legacy offsets; else the standard offset or the compacted offset within XCOMP_BV.
    /// </summary>
    public static int RawAddr(BootTables b, Fpstate fps, int i)
    {
        if ((uint)i >= 64 || (b.Kernel.MaxFeatures & 1UL << i) == 0) return -1;
        if (b.Compacted && (fps.XcompBv & 1UL << i) == 0) return -1;
        if (i == Xfeatures.Fp) return 0;
        if (i == Xfeatures.Sse) return Xfeatures.XmmSpaceOffset;
        return b.Compacted ? b.CompactedOffset(fps.XcompBv, i) : b.Tables.StandardOffset(i);
    }

    /// <summary>get_xsave_addr (R48): NULL without XSAVE or when XSTATE_BV[i] = 0, else the raw address.</summary>
    public static int XsaveAddr(BootTables b, Fpstate fps, int i)
    {
        if (!b.XsaveEnabled || (uint)i >= 64 || (fps.XstateBv & 1UL << i) == 0) return -1;
        return RawAddr(b, fps, i);
    }

    /// <summary>
    /// fpu_alloc_guest_fpstate (R55): a zeroed guest fpstate of guest_default_cfg.size, reset and initialised; the
    /// container gets guest_default_cfg.features and uabi_size 4096 (raised to user.default_size if larger); then
    /// the group's guest permissions are locked (R63, 64-bit only). Null when the allocation fails.
    /// </summary>
    public static FpuGuest? AllocGuest(BootTables b, TaskGroup group)
    {
        if (group.FailAllocations) return null;
        var fps = new Fpstate(b.Guest.Size) { IsValloc = true, IsGuest = true };
        Reset(b, fps, guest: true);
        InitUser(b, fps);
        var gfpu = new FpuGuest(fps)
        {
            Xfeatures = b.Guest.Features,
            UabiSize = Math.Max(KvmXsaveSize, b.User.DefaultSize),
        };
        LockGuestPermissions(b, group);
        return gfpu;
    }

    /// <summary>fpu_lock_guest_permissions (R63): guest_perm |= FPU_GUEST_PERM_LOCKED on 64-bit kernels.</summary>
    public static void LockGuestPermissions(BootTables b, TaskGroup group)
    {
        if (!b.Config.Is64Bit) return;
        var p = group.GuestPerm;
        group.GuestPerm = p with { StatePerm = p.StatePerm | Xfeatures.GuestPermLocked };
    }

    /// <summary>fpu_free_guest_fpstate (R56).</summary>
    public static GuestFreeResult FreeGuest(FpuGuest? gfpu)
    {
        var fps = gfpu?.Fpstate;
        if (fps is null) return GuestFreeResult.NoOp;
        if (!fps.IsValloc || !fps.IsGuest || fps.InUse) return GuestFreeResult.RefusedWarn;
        gfpu!.Fpstate = null;
        return GuestFreeResult.Freed;
    }

    /// <summary>
    /// fpstate_realloc (R57) run by <paramref name="thread"/> ("current"): a new zeroed buffer of
    /// <paramref name="ksize"/> replaces the thread's fpstate, or the guest fpstate of <paramref name="gfpu"/>.
    /// The old contents are not copied; an active context keeps its registers (re-saved into the new buffer).
    /// </summary>
    public static long Realloc(BootTables b, TaskGroup group, TaskThread thread, ulong xfeatures, uint ksize, uint usize,
        FpuGuest? gfpu)
    {
        if (group.FailAllocations) return -(long)Errno.ENOMEM;

        var cur = gfpu?.Fpstate ?? thread.Fpstate;
        bool active = ReferenceEquals(thread.Fpstate, cur);
        var fps = new Fpstate(ksize) { UserSize = usize, IsValloc = true };
        if (gfpu is not null)
        {
            fps.IsGuest = true;
            fps.IsConfidential = cur.IsConfidential;
            fps.InUse = cur.InUse;
            gfpu.Xfeatures |= xfeatures;
            gfpu.UabiSize = usize;
        }
        fps.Xfeatures = cur.Xfeatures | xfeatures;
        fps.UserXfeatures = cur.UserXfeatures | xfeatures;
        fps.Xfd = cur.Xfd & ~xfeatures;
        InitXcompBv(b, fps, fps.Xfeatures);

        if (active) SaveInto(b, cur, fps);

        if (gfpu is not null) gfpu.Fpstate = fps;
        if (active || gfpu is null) thread.Fpstate = fps;
        return 0;
    }

    /// <summary>
    /// __xfd_enable_feature (R58): only USER_DYNAMIC bits count (none: 0); not all permitted in the group's perm
    /// (guest_perm with a guest container) -> -EPERM; else realloc with the permission's sizes, -EFAULT on failure.
    /// </summary>
    public static long XfdEnableFeature(BootTables b, TaskGroup group, TaskThread thread, ulong xfdErr, FpuGuest? gfpu)
    {
        ulong xfdEvent = xfdErr & Xfeatures.UserDynamic;
        if (xfdEvent == 0) return 0;

        var perm = gfpu is null ? group.Perm : group.GuestPerm;
        if ((xfdEvent & ~perm.StatePerm) != 0) return -(long)Errno.EPERM;

        long r = Realloc(b, group, thread, xfdEvent, perm.StateSize, perm.UserStateSize, gfpu);
        return r < 0 ? -(long)Errno.EFAULT : 0;
    }

    /// <summary>
    /// fpu_enable_guest_xfd_features (R58): features the container already has are dropped; nothing left -> 0; else
    /// __xfd_enable_feature for the guest, run by the group leader (the thread that owns the vCPUs).
    /// </summary>
    public static long EnableGuestXfdFeatures(BootTables b, TaskGroup group, FpuGuest gfpu, ulong features)
    {
        features &= ~gfpu.Xfeatures;
        if (features == 0) return 0;
        return XfdEnableFeature(b, group, group.Leader, features, gfpu);
    }
}
