using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// get_sigframe without its overflow check (arch/x86/kernel/signal.c: "If we are on the alternate signal stack and
/// would overflow it, don't"): a frame larger than the sigaltstack is delivered anyway. KO §6a: 2048- and 2400-byte
/// stacks kill the task with SIGSEGV on the Zen 5 host.
/// </summary>
public sealed class SigframeAltstackUnchecked(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r72-altstack-overflow-delivered";
    public override string Description => "R72: a signal frame that overflows the sigaltstack is delivered instead of SIGSEGV";
    public override string Source => "arch/x86/kernel/signal.c get_sigframe: 'if (onsigstack && !likely(on_sig_stack(sp))) return (void __user *)-1L' (sigaltstack overflow check), R72";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op) =>
            op is SignalDeliverOp { OnAltstack: true } d ? Inner.Apply(d with { OnAltstack = false }) : Inner.Apply(op);
    }
}
