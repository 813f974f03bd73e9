using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Process;

public sealed partial class LinuxProcess
{
    /// <summary>
    /// sigaltstack(&amp;ss, NULL) in thread <paramref name="threadId"/> with ss_size <paramref name="size"/>
    /// (do_sigaltstack, R66). A request identical to the installed stack returns 0 at once, before any check (H22's
    /// "skip the altstack update when not needed"; the model compares size and enablement, the stack address being
    /// implied). SS_DISABLE (<paramref name="disable"/>) removes the stack. Otherwise: smaller than MINSIGSTKSZ (2048)
    /// -> -ENOMEM; then, under sigaltstack_lock, sigaltstack_size_valid false -> -ENOMEM. On failure the old stack
    /// stays. Running on the alternate stack (-EPERM) is not modelled.
    /// </summary>
    public KResult Sigaltstack(int threadId, ulong size, bool disable = false)
    {
        var thread = Thread(threadId);
        if (!disable && size == thread.SigaltstackSize) return KResult.Ok;

        if (disable)
        {
            thread.SigaltstackSize = 0;
            return KResult.Ok;
        }

        if (size < SignalFrames.MinSigStkSz) return Errno.ENOMEM;
        if (!SigaltstackSizeValid(size)) return Errno.ENOMEM;

        thread.SigaltstackSize = size;
        return KResult.Ok;
    }

    /// <summary>
    /// sigaltstack_size_valid (arch/x86/kernel/signal.c, R66): no check unless dynamic sizing is enabled or strict
    /// checking is configured; a size above the frame for the group's permitted UABI size passes; below it, strict
    /// mode rejects, and so does a group that has permission for a dynamic feature.
    /// </summary>
    private bool SigaltstackSizeValid(ulong size)
    {
        if (!Boot.DynamicSizing && !Boot.Config.StrictSigaltstackSize) return true;

        ulong bound = SignalFrames.SigaltstackBound(Boot, Perm.UserStateSize);
        if (size > bound) return true;
        if (Boot.Config.StrictSigaltstackSize) return false;
        return !Perm.StatePerm.Overlaps(XfeatureMasks.UserDynamic);
    }
}
