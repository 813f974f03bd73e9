using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R61a, the misreading issue 11 found in both models (SPEC has no H entry for it): execve leaves PKRU 0 instead of
/// pkru_write_default's init_pkru_value, so the exec'd task's state has no PKRU. Put back through the contract: after
/// each execve the decorator writes an all-init regset without PKRU (PTRACE_SETREGSET clears thread.pkru, H18).
/// </summary>
public sealed class ExecKeepsPkruZero(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:r61a-exec-pkru-zero";
    public override string Description => "R61a: execve leaves PKRU 0 (no init_pkru_value, no XSTATE_BV[PKRU])";
    public override string Source => "pkru_write_default / fpu_flush_thread at exec (arch/x86/kernel/fpu/core.c), R61a; found by reading the source (issue 11)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is ExecOp exec && outcome.Result == 0 && Boot.Xsave)
            {
                var image = new byte[Boot.User.MaxSize];
                BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(XsaveImage.MxcsrOffset), 0x1F80);
                Inner.Apply(new PtraceSetXstateOp(exec.Pid, 0, image));
            }
            return outcome;
        }
    }
}
