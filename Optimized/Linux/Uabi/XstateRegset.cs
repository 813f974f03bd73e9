using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Uabi;

/// <summary>
/// The ptrace regset NT_X86_XSTATE (R71; regset.c xstateregs_get/xstateregs_set behind ptrace_regset): n =
/// user.max_size / 8 elements of 8 bytes. Observed behaviour: KO §6b.
/// </summary>
public static class XstateRegset
{
    /// <summary>user_regset.size: iov_len must be a multiple of it.</summary>
    public const int ElementSize = 8;

    /// <summary>-ENODEV: the regset is inactive without XSAVE.</summary>
    public const long ENODEV = -19;

    /// <summary>
    /// PTRACE_GETREGSET: iov_len not a multiple of 8 -> -EINVAL; no XSAVE -> -ENODEV; else min(iov_len,
    /// user.max_size) bytes of the R70 image with the task's user_xfeatures and PKRU. <paramref name="data"/> is the
    /// only allocation (null on error).
    /// </summary>
    public static long Get(BootTables b, TaskThread thread, int iovLen, out byte[]? data)
    {
        data = null;
        if (iovLen < 0 || iovLen % ElementSize != 0) return -(long)Errno.EINVAL;
        if (!b.XsaveEnabled) return ENODEV;
        var fps = thread.Own;
        data = new byte[Math.Min(iovLen, (int)b.User.MaxSize)];
        XstateToUabi.Copy(b, fps, data, fps.UserXfeatures, thread.Pkru, CopyMode.Xsave);
        return 0;
    }

    /// <summary>
    /// PTRACE_SETREGSET with <paramref name="user"/> as the iovec: iov_len not a multiple of 8 -> -EINVAL; no XSAVE ->
    /// -ENODEV; min(iov_len, user.max_size) must be the whole regset, else -EFAULT; then R69 into the task's fpstate
    /// with its PKRU (H18: a clear PKRU bit sets thread.pkru to 0).
    /// </summary>
    public static long Set(BootTables b, TaskThread thread, ReadOnlySpan<byte> user)
    {
        int iovLen = user.Length;
        if (iovLen % ElementSize != 0) return -(long)Errno.EINVAL;
        if (!b.XsaveEnabled) return ENODEV;
        int full = (int)b.User.MaxSize;
        if (Math.Min(iovLen, full) != full) return -(long)Errno.EFAULT;
        uint pkru = thread.Pkru;
        long r = UabiToXstate.Copy(b, thread.Own, user[..full], ref pkru, updatePkru: true);
        thread.Pkru = pkru;
        return r;
    }
}
