namespace Xsave.Contract.Linux;

/// <summary>
/// What one <see cref="KernelOp"/> returned, as user space sees it: the return value (or minus an errno), and the
/// data it produced. Fields that the operation does not produce are null.
/// </summary>
/// <param name="Result">The system call / ioctl return value, or -errno.</param>
/// <param name="Value">A value written to user memory (arch_prctl GET, GET_MSR, KVM_GET_XCRS xcr0).</param>
/// <param name="Data">A buffer produced (KVM_GET_XSAVE(2), PTRACE_GETREGSET bytes).</param>
/// <param name="Created">The id of a created process, thread or vCPU.</param>
/// <param name="Signal">A signal delivered, a host-side warning, or KVM_BUG (<see cref="KernelSignal"/>).</param>
/// <param name="Cpuid">CPUID entries returned (KVM_GET_SUPPORTED_CPUID leaf 0xD).</param>
/// <param name="Exits">For KVM_RUN, how each guest event ended (<see cref="GuestExit"/>).</param>
public sealed record KernelOutcome(
    long Result,
    ulong? Value = null,
    byte[]? Data = null,
    int? Created = null,
    KernelSignal? Signal = null,
    IReadOnlyList<CpuidEntry>? Cpuid = null,
    IReadOnlyList<GuestExit>? Exits = null)
{
    public static KernelOutcome Of(KResult r) => new(r.Value);

    public bool Equals(KernelOutcome? other) =>
        other is not null && Result == other.Result && Value == other.Value && Created == other.Created &&
        Signal == other.Signal &&
        (Data is null ? other.Data is null : other.Data is not null && Data.AsSpan().SequenceEqual(other.Data)) &&
        (Cpuid is null ? other.Cpuid is null : other.Cpuid is not null && Cpuid.SequenceEqual(other.Cpuid)) &&
        (Exits is null ? other.Exits is null : other.Exits is not null && Exits.SequenceEqual(other.Exits));

    public override int GetHashCode() => HashCode.Combine(Result, Value, Created, Signal, Data?.Length);
}
