using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// Operations on fpstate objects (SPEC B4, R49-R58), one file per kernel function group. Conventions: <c>boot</c> is
/// the booted kernel; <c>fps</c> an fpstate; <c>guest</c> a KVM guest FPU container (struct fpu_guest). Every
/// operation changes its arguments in place, as the kernel does, and returns what the kernel returns.
/// </summary>
public static partial class FpstateOps
{
    /// <summary>
    /// __fpstate_reset (R51), then the header initialisation of R52 so that the buffer is consistent (R53). The buffer
    /// is (re)allocated zero-filled when its length differs from the new size, as a new allocation would be.
    /// </summary>
    /// <param name="guest">fpstate->is_guest: guest fpstates get guest_default_cfg and XFD 0 (H14).</param>
    public static void Reset(BootResult boot, Fpstate fps, bool guest)
    {
        if (guest)
        {
            // R51 guest: guest_default_cfg, XFD = architectural RESET value 0.
            fps.Size = boot.Guest.Size;
            fps.Xfeatures = boot.Guest.Features;
            fps.Xfd = FeatureMask.None;
        }
        else
        {
            // R51 host: kernel defaults, XFD = the kernel's armed init value.
            fps.Size = boot.Kernel.DefaultSize;
            fps.Xfeatures = boot.Kernel.DefaultFeatures;
            fps.Xfd = boot.InitFpstateXfd;
        }

        // R51 both: user features and sizes are identical for host and guest FPUs.
        fps.UserSize = boot.User.DefaultSize;
        fps.UserXfeatures = boot.User.DefaultFeatures;

        if (fps.Regs.Length != fps.Size) fps.Regs = new byte[fps.Size];
        InitXcompBv(boot, fps, fps.Xfeatures);
    }

    /// <summary>
    /// xstate_init_xcomp_bv (R52): with the compacted format XCOMP_BV := mask | bit 63; otherwise the header is left
    /// alone (it stays 0 in a zeroed buffer). Without XSAVE there is no header at all.
    /// </summary>
    public static void InitXcompBv(BootResult boot, Fpstate fps, FeatureMask mask)
    {
        if (!boot.XsaveEnabled || !boot.Compacted) return;
        fps.XcompBv = (mask | ArchMasks.CompactedFormat).Bits;
    }

    /// <summary>
    /// fpstate_init_user (used for guest fpstates, R55): R52 header, then the x87/SSE defaults in memory —
    /// FCW = 0x37F and MXCSR = 0x1F80 with FXSR, the FNSAVE init words without it.
    /// </summary>
    public static void InitUser(BootResult boot, Fpstate fps)
    {
        InitXcompBv(boot, fps, fps.Xfeatures);
        if (boot.Caps.Has(CpuCap.Fxsr))
        {
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyRegion.Fcw, 2), LegacyRegion.InitFcw);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyRegion.Mxcsr, 4), LegacyRegion.InitMxcsr);
        }
        else
        {
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(0, 4), LegacyFpu.FsaveInitCwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(4, 4), LegacyFpu.FsaveInitSwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(8, 4), LegacyFpu.FsaveInitTwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyFpu.FsaveFosOffset, 4), LegacyFpu.FsaveInitFos);
        }
    }

    /// <summary>
    /// The task fpstate of a thread right after fpstate_reset and fpu_reset_fpstate_regs (exec, process start): the
    /// kernel defaults of R51 and the first init_fpstate_copy_size() bytes of init_fpstate — 576 (legacy region and
    /// header) with XSAVE, the whole default buffer without (R54).
    /// </summary>
    public static Fpstate NewTaskFpstate(BootResult boot)
    {
        var fps = new Fpstate();
        Reset(boot, fps, guest: false);
        int copy = (int)Math.Min(InitFpstateCopySize(boot), (uint)fps.Regs.Length);
        copy = Math.Min(copy, boot.InitFpstate.Regs.Length);
        boot.InitFpstate.Regs.AsSpan(0, copy).CopyTo(fps.Regs);
        return fps;
    }

    /// <summary>init_fpstate_copy_size() (R54): 576 with XSAVE, kernel.default_size without.</summary>
    public static uint InitFpstateCopySize(BootResult boot) =>
        boot.XsaveEnabled ? XstateSizes.XregsStateSize : boot.Kernel.DefaultSize;
}
