using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Process;

/// <summary>How the kernel disposes of a device-not-available (#NM) exception from user space (R59).</summary>
public enum XfdNmKind
{
    /// <summary>handle_xfd_event declined (no XFD, 32-bit, or XFD_ERR = 0): the #NM is unexpected and the kernel dies.</summary>
    NotXfdEvent,
    /// <summary>The feature is enabled (or nothing dynamic was named): the instruction is retried.</summary>
    Retry,
    /// <summary>No permission: SIGILL with si_code ILL_ILLOPC.</summary>
    SigIll,
    /// <summary>The larger buffer could not be allocated: SIGSEGV.</summary>
    SigSegv,
}

/// <summary>The result of <see cref="LinuxProcess.XfdNm"/>: what happens to the thread and what xfd_enable_feature returned.</summary>
public sealed record XfdNmOutcome(XfdNmKind Kind, KResult EnableResult)
{
    public const int SIGILL = 4;
    public const int SIGSEGV = 11;
    public const int ILL_ILLOPC = 1;
    /// <summary>SI_KERNEL, the si_code of force_sig().</summary>
    public const int SI_KERNEL = 0x80;

    /// <summary>The signal delivered, or null.</summary>
    public int? Signal => Kind switch { XfdNmKind.SigIll => SIGILL, XfdNmKind.SigSegv => SIGSEGV, _ => null };

    /// <summary>The signal's si_code, or null.</summary>
    public int? SiCode => Kind switch { XfdNmKind.SigIll => ILL_ILLOPC, XfdNmKind.SigSegv => SI_KERNEL, _ => null };
}
