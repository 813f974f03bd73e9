namespace Xsave.Oracle.Linux.Kvm;

/// <summary>struct kvm_xcr: an XCR index and value (reserved padding is never checked, KO §3e).</summary>
public sealed record KvmXcr(uint Xcr, ulong Value);

/// <summary>struct kvm_xcrs: nr_xcrs = <see cref="Xcrs"/>.Count, flags, up to KVM_MAX_XCRS entries.</summary>
public sealed record KvmXcrs(uint Flags, IReadOnlyList<KvmXcr> Xcrs)
{
    /// <summary>KVM_MAX_XCRS.</summary>
    public const int MaxXcrs = 16;

    public static KvmXcrs Of(params KvmXcr[] xcrs) => new(0, xcrs);
}
