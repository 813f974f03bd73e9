using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Process;

public sealed partial class LinuxProcess
{
    /// <summary>
    /// A user-mode #NM in thread <paramref name="threadId"/> with IA32_XFD_ERR = <paramref name="xfdErr"/>
    /// (handle_xfd_event, R59). Only with XFD on a 64-bit kernel and XFD_ERR ≠ 0 is it an XFD event; XFD_ERR is then
    /// cleared and xfd_enable_feature decides: -EPERM -> SIGILL/ILL_ILLOPC, -EFAULT -> SIGSEGV, 0 -> the instruction
    /// is retried with the thread's new fpstate (XFD bit cleared, R57).
    /// </summary>
    public XfdNmOutcome XfdNm(int threadId, FeatureMask xfdErr)
    {
        Thread(threadId);
        if (!Boot.Config.Is64Bit || !Boot.Caps.Has(CpuCap.Xfd) || xfdErr.IsEmpty)
            return new XfdNmOutcome(XfdNmKind.NotXfdEvent, KResult.Ok);

        var result = FpstateOps.XfdEnableFeature(Boot, this, xfdErr, guest: null, threadId);
        var kind = result.Error switch
        {
            Errno.EPERM => XfdNmKind.SigIll,
            Errno.EFAULT => XfdNmKind.SigSegv,
            _ => XfdNmKind.Retry,
        };
        return new XfdNmOutcome(kind, result);
    }
}
