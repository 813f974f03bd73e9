using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H16's companion put back ("x86/fpu: Reset state for all signal restore failures", tglx 2021): a sigreturn whose
/// restore fails leaves the registers as the handler had them instead of resetting every user state (and PKRU). Put
/// back through the contract: the handler's state is read with GETREGSET before and written back after a SIGSEGV.
/// </summary>
public sealed class SigreturnFailureKeepsState(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h16-sigreturn-failure-keeps-state";
    public override string Description => "H16: a failed sigreturn keeps the handler's registers instead of fpu__clear_user_states";
    public override string Source => "x86/fpu: Reset state for all signal restore failures (tglx, June 2021), H16";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : SigframeDecorator(inner)
    {
        protected override KernelOutcome Return(SigreturnOp op, byte[] frame)
        {
            var handler = Boot.Xsave ? Inner.Apply(new PtraceGetXstateOp(op.Pid, op.Tid, (int)Boot.User.MaxSize)).Data : null;
            var outcome = base.Return(op, frame);
            if (outcome.Signal == KernelSignal.SigSegv && handler is not null) Inner.Apply(new PtraceSetXstateOp(op.Pid, op.Tid, handler));
            return outcome;
        }
    }
}
