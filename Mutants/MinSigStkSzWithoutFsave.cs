using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// AT_MINSIGSTKSZ without the 112-byte fsave header that fpu__get_fpstate_size() always reserves with IA32 emulation
/// ("assume the worst case"): 3264 instead of the 3376 measured on the Zen 5 host (KO §1b).
/// </summary>
public sealed class MinSigStkSzWithoutFsave(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r72-minsigstksz-without-fsave";
    public override string Description => "R72: AT_MINSIGSTKSZ leaves out the fsave header (sizeof(struct fregs_state) = 112)";
    public override string Source => "arch/x86/kernel/fpu/xstate.c fpu__get_fpstate_size / init_sigframe_size: the ia32 fsave header (struct fregs_state) counted, R72";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            return op is MinSigStkSzOp && outcome.Value is { } v ? outcome with { Value = v - 112 } : outcome;
        }
    }
}
