namespace Xsave.Contract.Linux;

/// <summary>
/// The Linux/KVM part of the contract: one booted kernel on one CPU. The world starts with process 1 (thread 0) and
/// no vCPU; operations act on it in order. An implementation that cannot see kernel-internal state returns null from
/// <see cref="Snapshot"/>.
/// After a failed boot (<see cref="BootSummary.Failed"/>) there is no user space: <see cref="Snapshot"/> reports an
/// empty world (no process, no vCPU) and <see cref="Apply"/> must not be called (an implementation throws
/// <see cref="InvalidOperationException"/>; the step loop never calls it, every step is "not applied").
/// </summary>
public interface IKernel
{
    BootSummary Boot { get; }

    KernelOutcome Apply(KernelOp op);

    KernelSnapshot? Snapshot();
}
