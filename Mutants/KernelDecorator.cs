using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>Forwards every kernel operation; mutants override what they break.</summary>
public abstract class KernelDecorator(IKernel inner) : IKernel
{
    protected IKernel Inner { get; } = inner;
    public virtual BootSummary Boot => Inner.Boot;
    public virtual KernelOutcome Apply(KernelOp op) => Inner.Apply(op);
    public virtual KernelSnapshot? Snapshot() => Inner.Snapshot();
}
