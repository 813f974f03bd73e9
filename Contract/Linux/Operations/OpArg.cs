namespace Xsave.Contract.Linux.Operations;

/// <summary>
/// The kinds of argument an operation takes. Each kind has one scenario syntax (read and written by the scenario
/// format), one value type in <see cref="OpValues"/>, and one way to shrink: adding a kind means adding it to each of
/// those tables, and the coverage tests fail until it is.
/// </summary>
public enum ArgKind
{
    /// <summary>A small signed number (ids, sizes): <see cref="int"/>.</summary>
    Int,
    /// <summary>A 32-bit unsigned number: <see cref="uint"/>.</summary>
    UInt,
    /// <summary>A 64-bit unsigned number: <see cref="ulong"/>.</summary>
    ULong,
    /// <summary>A 64-bit feature mask, written as a number or as feature names: <see cref="ulong"/>.</summary>
    Mask,
    Bool,
    /// <summary>An arch_prctl option (<see cref="Uapi.ArchPrctl"/>): <see cref="int"/>.</summary>
    ArchPrctlOption,
    /// <summary>arch_prctl's argument: an xfeature number for REQ, a user pointer for GET: <see cref="ulong"/>.</summary>
    ArchPrctlArg,
    /// <summary>A KVM_CHECK_EXTENSION capability (<see cref="Uapi.KvmCap"/>): <see cref="int"/>.</summary>
    KvmCapability,
    /// <summary>An MSR index (<see cref="Uapi.Msr"/>): <see cref="uint"/>.</summary>
    Msr,
    /// <summary>An XSAVE image or iovec: <see cref="byte"/>[].</summary>
    Image,
    /// <summary>KVM_SET_CPUID2 entries: IReadOnlyList&lt;CpuidEntry&gt;.</summary>
    CpuidEntries,
    /// <summary>struct kvm_xcrs entries: IReadOnlyList&lt;XcrEntry&gt;.</summary>
    Xcrs,
    /// <summary>What happens during a KVM_RUN: IReadOnlyList&lt;GuestEvent&gt;.</summary>
    GuestEvents,
    /// <summary>One XSAVE component, written by its name (YMM, XTILE_DATA) or number: <see cref="int"/>.</summary>
    Xfeature,
}

/// <summary>One argument: its name in the scenario format, its kind, and its default (null: the argument is required).</summary>
public sealed record OpArg(string Name, ArgKind Kind, object? Default = null)
{
    public bool Required => Default is null;

    public static OpArg Pid { get; } = new("pid", ArgKind.Int, 1);
    public static OpArg Tid { get; } = new("tid", ArgKind.Int, 0);
    public static OpArg Vcpu { get; } = new("vcpu", ArgKind.Int, 0);
}
