using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Process;

/// <summary>
/// Signal frame sizes as far as the permission and sigaltstack checks need them (SPEC R65, R66, R72).
/// </summary>
/// <remarks>
/// The model's sigframe_size is the kernel's max_frame_size (arch/x86/kernel/signal.c init_sigframe_size, also
/// AT_MINSIGSTKSZ), derived from fpu_user_cfg:
/// <code>
/// fpstate  = user.max_size + 4 (FP_XSTATE_MAGIC2, with XSAVE) + 112 (fsave header, with IA32 emulation and FXSR)
/// max_frame_size = round_up(sizeof(struct sigframe_ia32) + 15 + fpstate + 63, 16)
/// </code>
/// with 15 = MAX_FRAME_PADDING (16-byte frame alignment - 1) and 63 = MAX_XSAVE_PADDING. sizeof(struct sigframe_ia32)
/// is 736 on a 64-bit kernel: 732 bytes of members, padded to the 8-byte alignment its _fpstate_32 member inherits
/// from the u64 in _fpx_sw_bytes (without IA32 emulation the 440-byte struct rt_sigframe is used). With Zen 5's
/// user.max_size 2432 this gives 3376, the AT_MINSIGSTKSZ measured in KO §1b.
/// </remarks>
public static class SignalFrames
{
    /// <summary>MINSIGSTKSZ of x86: sigaltstack() rejects smaller stacks with -ENOMEM (KO §6a).</summary>
    public const ulong MinSigStkSz = 2048;

    /// <summary>FP_XSTATE_MAGIC2_SIZE: the magic word after the XSAVE image in a signal frame.</summary>
    public const uint Magic2Size = 4;

    /// <summary>sizeof(struct sigframe_ia32) on 64-bit kernels (see remarks), 732 on 32-bit ones.</summary>
    public static uint SiginfoUcontextSize(KernelConfig config) =>
        !config.Is64Bit ? 732u : config.Ia32Emulation ? 736u : 440u;

    /// <summary>FRAME_ALIGNMENT.</summary>
    public const uint FrameAlignment = 16;

    /// <summary>MAX_XSAVE_PADDING.</summary>
    public const uint MaxXsavePadding = 63;

    /// <summary>fpu__get_fpstate_size() = fpu_default_state_size: the FPU part of the largest frame.</summary>
    public static uint FpstateSize(BootResult boot)
    {
        uint size = boot.User.MaxSize;
        if (boot.XsaveEnabled) size += Magic2Size;
        if ((boot.Config.Ia32Emulation || !boot.Config.Is64Bit) && boot.Caps.Has(CpuCap.Fxsr)) size += LegacyFpu.FregsStateSize;
        return size;
    }

    /// <summary>get_sigframe_size() / AT_MINSIGSTKSZ: the worst-case signal frame (see remarks).</summary>
    public static ulong MaxFrameSize(BootResult boot)
    {
        ulong size = SiginfoUcontextSize(boot.Config) + (FrameAlignment - 1) + FpstateSize(boot) + MaxXsavePadding;
        return (size + FrameAlignment - 1) / FrameAlignment * FrameAlignment;
    }

    /// <summary>
    /// validate_sigaltstack's frame size for a permission request with UABI size <paramref name="usize"/> (R65):
    /// sigframe_size − user.max_size + usize. A thread's stack passes when sas_ss_size ≥ this.
    /// </summary>
    public static ulong RequiredForPermission(BootResult boot, uint usize) =>
        MaxFrameSize(boot) - boot.User.MaxSize + usize;

    /// <summary>
    /// sigaltstack_size_valid's bound (R66): max_frame_size − fpu_default_state_size + perm.__user_state_size. A new
    /// stack passes when it is strictly larger. Note this omits the 4 + 112 bytes that
    /// <see cref="RequiredForPermission"/> keeps, so the two checks disagree for sizes in between (as coded).
    /// </summary>
    public static ulong SigaltstackBound(BootResult boot, uint permUserStateSize) =>
        MaxFrameSize(boot) - FpstateSize(boot) + permUserStateSize;

    /// <summary>sizeof(struct rt_sigframe) of a 64-bit task: pretcode 8 + ucontext 304 + siginfo 128.</summary>
    public const uint RtSigframeSize = 440;

    /// <summary>
    /// get_sigframe on an alternate stack of <paramref name="size"/> bytes (SA_ONSTACK, entering the stack): the math
    /// frame at round_down(top − xstate_sigframe_size, 64) (fpu__alloc_mathframe), the rt_sigframe below it, sp =
    /// round_down(sp, 16) − 8; the frame fits when __on_sig_stack(sp) holds, sp &gt; ss_sp. The stack's base is taken
    /// 64-byte aligned (an mmap'd stack). KO §6a: with user_size 2432, 2048 and 2400 bytes overflow, 3000 fits.
    /// </summary>
    public static bool FitsAltstack(BootResult boot, Fpstate fps, ulong size)
    {
        const long stackBase = 1L << 30;
        long top = stackBase + (long)size;
        long bufFx = RoundDown(top - XstateSigframeSize(boot, fps), 64);
        long sp = RoundDown(bufFx - RtSigframeSize, FrameAlignment) - 8;
        return sp > stackBase;
    }

    private static long RoundDown(long value, long alignment) => value / alignment * alignment;

    /// <summary>xstate_sigframe_size(fpstate): the XSAVE image of one frame, user_size + 4 with XSAVE (R72).</summary>
    public static uint XstateSigframeSize(BootResult boot, Fpstate fps) =>
        boot.XsaveEnabled ? fps.UserSize + Magic2Size : fps.UserSize;
}
