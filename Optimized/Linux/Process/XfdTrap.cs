using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>What the #NM handler does with a user-mode fault (R59).</summary>
public enum XfdTrapKind
{
    /// <summary>handle_xfd_event declined (no XFD, 32-bit, XFD_ERR = 0): an unexpected #NM.</summary>
    NotXfdEvent,
    /// <summary>The feature is enabled (or nothing dynamic was named): the instruction is retried.</summary>
    Retry,
    /// <summary>-EPERM: SIGILL / ILL_ILLOPC.</summary>
    SigIll,
    /// <summary>-EFAULT: SIGSEGV.</summary>
    SigSegv,
}

/// <summary>handle_xfd_event (arch/x86/kernel/traps.c), SPEC R59.</summary>
public static class XfdTrap
{
    /// <summary>
    /// A user-mode #NM in <paramref name="thread"/> with IA32_XFD_ERR = <paramref name="xfdErr"/>. Returns
    /// xfd_enable_feature's result (0 when not an XFD event).
    /// </summary>
    public static long Handle(BootTables b, TaskGroup group, TaskThread thread, ulong xfdErr, out XfdTrapKind kind)
    {
        if (!b.Config.Is64Bit || !b.Has(CpuCaps.Xfd) || xfdErr == 0)
        {
            kind = XfdTrapKind.NotXfdEvent;
            return 0;
        }
        // XFD_ERR is cleared, then xfd_enable_feature(xfd_err).
        long r = FpstateOps.XfdEnableFeature(b, group, thread, xfdErr, gfpu: null);
        kind = r == -(long)Errno.EPERM ? XfdTrapKind.SigIll : r == -(long)Errno.EFAULT ? XfdTrapKind.SigSegv : XfdTrapKind.Retry;
        return r;
    }
}
