using Xsave.Contract.Linux;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>Errno values these paths need that the shared <see cref="Errno"/> enum does not name (x86-64 numbering).</summary>
public static class UabiErrno
{
    /// <summary>ENODEV: the NT_X86_XSTATE regset is inactive without XSAVE.</summary>
    public const Errno ENODEV = (Errno)19;
}
