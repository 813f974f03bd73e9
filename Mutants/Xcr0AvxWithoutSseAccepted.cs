using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Contract.Registers;

namespace Xsave.Mutants;

/// <summary>
/// R8: XCR0 with AVX (bit 2) but not SSE (bit 1) passes the check and XSETBV, where the SDM raises #GP — an XCR0
/// check of an emulator or hypervisor that tests each bit against the supported mask and forgets the dependencies.
/// </summary>
public sealed class Xcr0AvxWithoutSseAccepted(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:xcr0-avx-without-sse";
    public override string Description => "R8: XCR0 with AVX but without SSE is accepted (check and XSETBV)";
    public override string Source => "hypervisor/emulator mistake (cf. KVM __kvm_set_xcr's 'AVX without SSE' check, SDM 13.3)";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override ValidityResult CheckXcr0(FeatureMask value) =>
            new(Inner.CheckXcr0(value).Rejections.Where(r => r.Code != RejectionCode.AvxWithoutSse).ToList());

        public override InstructionOutcome Execute(MachineState state, ArchOperation operation)
        {
            var outcome = Inner.Execute(state, operation);
            if (operation is XsetbvOp { Ecx: 0 } set && outcome.Fault is { Kind: FaultKind.GP } && state.Cpl == 0 &&
                state.Cr4Osxsave && CheckXcr0(set.Value).Valid)
                return InstructionOutcome.Success(state with { Xcr0 = set.Value });
            return outcome;
        }
    }
}
