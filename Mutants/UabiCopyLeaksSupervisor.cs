using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R70/I8: the uABI copy (PTRACE_GETREGSET NT_X86_XSTATE, KVM_GET_XSAVE(2)) takes XSTATE_BV from the kernel buffer
/// without masking it with the user features, so supervisor bits the buffer holds (CET_U/CET_S, PASID) reach user
/// space in the header — which a later SET then refuses.
/// </summary>
public sealed class UabiCopyLeaksSupervisor(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:uabi-leaks-supervisor-bv";
    public override string Description => "R70/I8: ptrace and KVM_GET_XSAVE headers carry the kernel buffer's supervisor XSTATE_BV bits";
    public override string Source => "__copy_xstate_to_uabi_buf: header.xfeatures &= fpstate->user_xfeatures (H16's sanitising companions)";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (outcome is not { Result: >= 0, Data: { Length: >= XsaveImage.MinimumSize } data }) return outcome;
            var fpstate = op switch
            {
                PtraceGetXstateOp get => Inner.Snapshot()?.Processes.FirstOrDefault(p => p.Pid == get.Pid)?.Threads
                    .FirstOrDefault(t => t.Tid == get.Tid)?.Fpstate,
                GetXsaveOp or GetXsave2Op => Inner.Snapshot()?.Vcpus.FirstOrDefault(v => v.Id == Vcpu(op))?.Fpstate,
                _ => null,
            };
            if (fpstate is null) return outcome;
            var leaked = fpstate.XstateBv & ~fpstate.UserXfeatures & ~FeatureMask.Bit(63);
            if (leaked.IsEmpty) return outcome;
            var copy = data.ToArray();
            ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(copy.AsSpan(XsaveImage.XstateBvOffset));
            BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(XsaveImage.XstateBvOffset), bv | leaked.Bits);
            return outcome with { Data = copy };
        }

        private static int Vcpu(KernelOp op) => op switch { GetXsaveOp g => g.Vcpu, GetXsave2Op g => g.Vcpu, _ => -1 };
    }
}
