using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R71: PTRACE_SETREGSET NT_X86_XSTATE with an iovec shorter than the full uABI size succeeds (doing nothing) instead
/// of -EFAULT (KO §6b measures -EFAULT for 512 and 576 bytes): a debugger's partial write is silently dropped.
/// </summary>
public sealed class PtraceSetShortAccepted(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:ptrace-set-short-accepted";
    public override string Description => "R71: PTRACE_SETREGSET with a short iovec returns 0 instead of -EFAULT";
    public override string Source => "x86/fpu: Limit xstate copy size in xstateregs_set() (tglx, June 2021, H16 companions): 'if (pos != 0 || count != fpu_user_cfg.max_size) return -EFAULT'";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            return op is PtraceSetXstateOp && outcome.Result == -(long)Errno.EFAULT ? outcome with { Result = 0 } : outcome;
        }
    }
}
