using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>What PTRACE_GETREGSET returns: the result, and the bytes copied (iov_len is set to their count).</summary>
public sealed record RegsetRead(KResult Result, byte[] Data);

/// <summary>
/// R71: the ptrace regset NT_X86_XSTATE (xstateregs_get/xstateregs_set behind kernel/ptrace.c ptrace_regset). The
/// regset has n = user.max_size / 8 elements of 8 bytes. Observed table: KO §6b.
/// </summary>
public static class XstateRegset
{
    /// <summary>user_regset.size of NT_X86_XSTATE: the iov_len must be a multiple of it.</summary>
    public const int ElementSize = 8;

    /// <summary>The regset's full size: fpu_user_cfg.max_size (R71).</summary>
    public static int FullSize(BootResult boot) => (int)boot.User.MaxSize;

    /// <summary>
    /// PTRACE_GETREGSET: iov_len not a multiple of 8 -> -EINVAL; otherwise min(iov_len, user.max_size) bytes of the
    /// R70 image (XSAVE mode, xfeatures = the task's user_xfeatures, PKRU = the task's PKRU). A shorter iov_len gets a
    /// truncated copy. No XSAVE -> -ENODEV (the regset is then inactive).
    /// </summary>
    public static RegsetRead Get(BootResult boot, Fpstate taskFps, uint taskPkru, int iovLen)
    {
        // ptrace_regset: the length must be a whole number of elements.
        if (iovLen < 0 || iovLen % ElementSize != 0) return new(Errno.EINVAL, []);
        if (!boot.XsaveEnabled) return new(KResult.Fail(UabiErrno.ENODEV), []);

        int length = Math.Min(iovLen, FullSize(boot));
        var data = XstateToUabi.Copy(boot, taskFps, taskFps.UserXfeatures, taskPkru, CopyMode.Xsave, length);
        return new(KResult.Ok, data);
    }

    /// <summary>
    /// PTRACE_SETREGSET: iov_len not a multiple of 8 -> -EINVAL; count = min(iov_len, user.max_size) must be the
    /// whole buffer, else -EFAULT (so a larger iov_len is fine, a shorter one is not); then R69 with the task's PKRU
    /// (H18: a clear PKRU bit sets PKRU to 0).
    /// </summary>
    public static KResult Set(BootResult boot, Fpstate taskFps, PkruHolder taskPkru, byte[] userBuffer, int iovLen)
    {
        if (iovLen < 0 || iovLen % ElementSize != 0) return Errno.EINVAL;
        if (!boot.XsaveEnabled) return KResult.Fail(UabiErrno.ENODEV);

        int count = Math.Min(iovLen, FullSize(boot));

        // xstateregs_set: a whole standard-format XSAVE buffer is needed.
        if (count != FullSize(boot)) return Errno.EFAULT;

        // copy_from_user of count bytes: the caller's memory must hold them.
        if (userBuffer.Length < count) return Errno.EFAULT;
        var copy = userBuffer.AsSpan(0, count).ToArray();

        return UabiToXstate.Copy(boot, taskFps, copy, taskPkru);
    }
}
