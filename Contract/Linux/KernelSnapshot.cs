namespace Xsave.Contract.Linux;

/// <summary>
/// The kernel-internal state after an operation, for implementations that can report it
/// (<see cref="Implementations.ImplementationCapabilities.ObservesInternalState"/>): what the invariants of SPEC part D
/// are stated over, and what two models are compared on after every step.
/// </summary>
public sealed record KernelSnapshot(IReadOnlyList<ProcessSnapshot> Processes, IReadOnlyList<VcpuSnapshot> Vcpus)
{
    public bool Equals(KernelSnapshot? other) =>
        other is not null && Processes.SequenceEqual(other.Processes) && Vcpus.SequenceEqual(other.Vcpus);

    public override int GetHashCode() => HashCode.Combine(Processes.Count, Vcpus.Count);
}

/// <summary>struct fpu_state_perm (R62).</summary>
public sealed record PermSnapshot(FeatureMask StatePerm, uint StateSize, uint UserStateSize);

/// <summary>A thread group: the leader's permissions (R62) and every thread.</summary>
public sealed record ProcessSnapshot(int Pid, bool Alive, PermSnapshot Perm, PermSnapshot GuestPerm, IReadOnlyList<ThreadSnapshot> Threads)
{
    public bool Equals(ProcessSnapshot? other) =>
        other is not null && Pid == other.Pid && Alive == other.Alive && Perm == other.Perm &&
        GuestPerm == other.GuestPerm && Threads.SequenceEqual(other.Threads);

    public override int GetHashCode() => HashCode.Combine(Pid, Alive, Perm, GuestPerm);
}

public sealed record ThreadSnapshot(int Tid, ulong SigaltstackSize, FpStateSnapshot Fpstate);

/// <summary>struct fpstate (R49) with its header; <paramref name="RegsSha256"/> summarizes the buffer bytes
/// (<see cref="HashOf"/>), so two implementations agree only if their kernel buffers are byte-identical.</summary>
public sealed record FpStateSnapshot(
    uint Size,
    uint UserSize,
    FeatureMask Xfeatures,
    FeatureMask UserXfeatures,
    FeatureMask Xfd,
    bool IsGuest,
    bool InUse,
    FeatureMask XstateBv,
    FeatureMask XcompBv,
    string RegsSha256)
{
    /// <summary>The first 16 hex digits (uppercase) of the SHA-256 of the whole register buffer.</summary>
    public static string HashOf(ReadOnlySpan<byte> regs) => RegsHashes.Of(regs);
}

/// <summary>One vCPU: its registers as KVM tracks them, its guest FPU container (R50) and the fpstate behind it.</summary>
public sealed record VcpuSnapshot(
    int Id,
    int Pid,
    bool Alive,
    FeatureMask Xcr0,
    FeatureMask Xss,
    FeatureMask Xfd,
    ulong XfdErr,
    uint Pkru,
    FeatureMask GuestSupportedXcr0,
    FeatureMask GuestSupportedXss,
    FeatureMask GuestFpuXfeatures,
    uint UabiSize,
    bool FpuLoaded,
    bool HasRun,
    FpStateSnapshot? Fpstate)
{
    /// <summary>A destroyed vCPU: only its id and process remain (the contract reports it so ids stay stable).</summary>
    public static VcpuSnapshot Destroyed(int id, int pid) =>
        new(id, pid, false, default, default, default, 0, 0, default, default, default, 0, false, false, null);
}
