namespace Xsave.Contract.Linux;

/// <summary>
/// The Linux/KVM part of the contract: one booted kernel on one CPU. The world starts with process 1 (thread 0) and
/// no vCPU; operations act on it in order. An implementation that cannot see kernel-internal state returns null from
/// <see cref="Snapshot"/>.
/// </summary>
public interface IKernel
{
    BootSummary Boot { get; }

    KernelOutcome Apply(KernelOp op);

    KernelSnapshot? Snapshot();
}
