namespace Xsave.Contract.Linux;

/// <summary>The errno values the modelled kernel paths return (x86-64 numbering, include/uapi/asm-generic/errno*.h).</summary>
public enum Errno
{
    EPERM = 1,
    ESRCH = 3,
    EIO = 5,
    E2BIG = 7,
    EBADF = 9,
    ENOMEM = 12,
    EFAULT = 14,
    EBUSY = 16,
    ENXIO = 6,
    EINVAL = 22,
    ENOSPC = 28,
    EOPNOTSUPP = 95,
}

/// <summary>
/// What a system call or ioctl returns: a non-negative value, or minus an errno, exactly as the kernel does.
/// </summary>
public readonly record struct KResult(long Value)
{
    public static KResult Ok => new(0);
    public static KResult Of(long value) => new(value);
    public static KResult Fail(Errno errno) => new(-(long)errno);

    public bool IsError => Value < 0;
    public Errno? Error => Value < 0 ? (Errno)(-Value) : null;

    public static implicit operator KResult(Errno errno) => Fail(errno);

    public override string ToString() => Value < 0 ? $"-{(Errno)(-Value)}" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
