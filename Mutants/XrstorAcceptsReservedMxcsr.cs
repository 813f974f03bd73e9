using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R23/R25: XRSTOR loads an MXCSR image with bits outside MXCSR_MASK instead of raising #GP; the reserved bits are
/// dropped. What QEMU 7.2's TCG does (issue 13 records it by hand), and what every emulator that copies MXCSR through
/// its own setter risks.
/// </summary>
public sealed class XrstorAcceptsReservedMxcsr(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:xrstor-accepts-reserved-mxcsr";
    public override string Description => "R23/R25: XRSTOR with a reserved MXCSR bit loads it masked instead of #GP";
    public override string Source => "emulator mistake (QEMU TCG helper_xrstor, observed on 7.2): no MXCSR_MASK check; SDM 13.8.1";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override InstructionOutcome Execute(MachineState state, ArchOperation operation)
        {
            var outcome = Inner.Execute(state, operation);
            if (operation is not XsaveFamilyOp { Instruction: XsaveInstruction.Xrstor or XsaveInstruction.Xrstors } op ||
                outcome.Fault is not { Kind: FaultKind.GP } || op.Memory.Length < XsaveImage.MxcsrOffset + 4)
                return outcome;
            uint mxcsr = op.Memory.ReadUInt32(XsaveImage.MxcsrOffset);
            if ((mxcsr & ~Cpu.MxcsrMask) == 0) return outcome;
            var masked = Inner.Execute(state, op with { Memory = op.Memory.WithUInt32(XsaveImage.MxcsrOffset, mxcsr & Cpu.MxcsrMask) });
            return masked.Succeeded ? masked with { Buffer = outcome.Buffer } : outcome;
        }
    }
}
