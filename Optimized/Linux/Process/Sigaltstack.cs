using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>do_sigaltstack (kernel/signal.c) and sigaltstack_size_valid (arch/x86/kernel/signal.c), SPEC R66.</summary>
public static class Sigaltstack
{
    /// <summary>MINSIGSTKSZ of x86 (KO §6a: 2047 -> -ENOMEM, 2048 accepted).</summary>
    public const ulong MinSigStkSz = 2048;

    /// <summary>
    /// sigaltstack(ss, NULL) with ss_size <paramref name="size"/> on <paramref name="thread"/>; 0 means SS_DISABLE.
    /// A request equal to the installed stack returns 0 before any check. Smaller than MINSIGSTKSZ, or too small for
    /// the group's signal frame (R66) -> -ENOMEM, the old stack kept.
    /// </summary>
    public static long Set(BootTables b, TaskGroup group, TaskThread thread, ulong size)
    {
        bool disable = size == 0;
        // "Return before taking any locks if no actual sigaltstack changes were requested."
        if (!disable && size == thread.SigaltstackSize) return 0;

        if (!disable)
        {
            if (size < MinSigStkSz) return -(long)Errno.ENOMEM;
            if (!SizeValid(b, group, size)) return -(long)Errno.ENOMEM;
        }
        thread.SigaltstackSize = size;
        return 0;
    }

    /// <summary>
    /// sigaltstack_size_valid: no check unless dynamic sizing or strict mode; the bound is max_frame_size -
    /// fpu_default_state_size + perm.__user_state_size; a smaller stack fails in strict mode, or when the group
    /// is permitted a dynamic feature.
    /// </summary>
    public static bool SizeValid(BootTables b, TaskGroup group, ulong size)
    {
        bool strict = b.Config.StrictSigaltstackSize;
        if (!b.DynamicSizing && !strict) return true;

        ulong fsize = b.MaxFrameSize - b.FpuDefaultStateSize + group.Perm.UserStateSize;
        if (size > fsize) return true;
        if (strict) return false;
        return (group.Perm.StatePerm & Xfeatures.UserDynamic) == 0;
    }
}
