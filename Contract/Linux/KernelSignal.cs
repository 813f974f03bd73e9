using System.Text.Json.Serialization;

namespace Xsave.Contract.Linux;

/// <summary>What a kernel operation delivered besides its return value: a signal to the task, a host-side kernel
/// warning, or a VM the kernel killed. The JSON and scenario names are the kernel's words.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KernelSignal>))]
public enum KernelSignal
{
    /// <summary>SIGILL: the #NM hit a dynamic feature the process has no permission for (R59).</summary>
    [JsonStringEnumMemberName("SIGILL")] SigIll,
    /// <summary>SIGSEGV: enabling the feature failed (the realloc or the sigaltstack check, R59).</summary>
    [JsonStringEnumMemberName("SIGSEGV")] SigSegv,
    /// <summary>The #NM was not an XFD event (XFD_ERR = 0): the kernel's "unexpected #NM" path.</summary>
    [JsonStringEnumMemberName("unexpected #NM")] UnexpectedNm,
    /// <summary>KVM_BUG_ON fired: the VM is dead (I20).</summary>
    [JsonStringEnumMemberName("KVM_BUG")] KvmBug,
    /// <summary>
    /// The calling thread died in the kernel (die("unexpected #NM exception"), R87, H25): KVM_RUN's restore of a guest
    /// image with XSTATE_BV ∩ XFD ≠ ∅ took #NM in kernel mode. The ioctl never returns (its result means nothing),
    /// the guest fpstate stays in_use, a later destroy WARNs. Scheduling-dependent: had the thread been preempted or
    /// used the FPU in the kernel during the host's KVM_SET_MSRS(IA32_XFD), TIF_NEED_FPU_LOAD would have let
    /// fpu_update_guest_xfd clear the bit; the model takes the usual case, the flag clear.
    /// </summary>
    [JsonStringEnumMemberName("thread died")] ThreadDied,
    /// <summary>A host-side WARN: fpu_free_guest_fpstate found the guest fpstate still in use (R87, H25).</summary>
    [JsonStringEnumMemberName("WARN")] Warn,
}

public static class KernelSignals
{
    /// <summary>The name a scenario, a report or the JSON uses.</summary>
    public static string Name(this KernelSignal signal) => signal switch
    {
        KernelSignal.SigIll => "SIGILL",
        KernelSignal.SigSegv => "SIGSEGV",
        KernelSignal.UnexpectedNm => "unexpected #NM",
        KernelSignal.KvmBug => "KVM_BUG",
        KernelSignal.ThreadDied => "thread died",
        KernelSignal.Warn => "WARN",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a kernel signal"),
    };
}

/// <summary>How one guest event of a KVM_RUN ended: completed (an RDMSR with the value read) or a #GP injected.</summary>
public sealed record GuestExit(GuestExitKind Kind, ulong? Value = null)
{
    public static GuestExit Completed { get; } = new(GuestExitKind.Completed);
    public static GuestExit InjectedGp { get; } = new(GuestExitKind.InjectedGp);
    public static GuestExit Read(ulong value) => new(GuestExitKind.Completed, value);
    public static GuestExit InjectedUd { get; } = new(GuestExitKind.InjectedUd);
    public static GuestExit InjectedNm { get; } = new(GuestExitKind.InjectedNm);

    /// <summary>"completed", "#GP", "#UD", "#NM" or "value=0x..": the words scenarios match.</summary>
    public override string ToString() => Kind switch
    {
        GuestExitKind.InjectedGp => "#GP",
        GuestExitKind.InjectedUd => "#UD",
        GuestExitKind.InjectedNm => "#NM",
        _ when Value is { } v => $"value=0x{v:x}",
        _ => "completed",
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<GuestExitKind>))]
public enum GuestExitKind
{
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("#GP")] InjectedGp,
    /// <summary>A guest register write met a guest XCR0 without the component (write_reg).</summary>
    [JsonStringEnumMemberName("#UD")] InjectedUd,
    /// <summary>A guest register write met the guest's XFD (write_reg): reflected to the guest with XFD_ERR set.</summary>
    [JsonStringEnumMemberName("#NM")] InjectedNm,
}
