using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R23/R24: XRSTOR chooses the compacted form when XCOMP_BV is non-zero, not by XCOMP_BV[63]: a standard-form image
/// with XCOMP_BV = 0xe7 (bit 63 clear) is restored as compacted instead of raising #GP (KO §5d measures the #GP).
/// </summary>
public sealed class XrstorIgnoresCompactionBit(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:xrstor-ignores-xcomp-bit63";
    public override string Description => "R23/R24: XRSTOR takes any non-zero XCOMP_BV as the compacted form (bit 63 ignored)";
    public override string Source => "emulator mistake: format chosen by xcomp_bv != 0; SDM 13.8 (XCOMP_BV[63] selects the form)";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override InstructionOutcome Execute(MachineState state, ArchOperation operation)
        {
            if (operation is not XsaveFamilyOp { Instruction: XsaveInstruction.Xrstor } op || !Cpu.HasXsavec ||
                op.Memory.Length < XsaveImage.MinimumSize)
                return Inner.Execute(state, operation);
            var xcompBv = op.Memory.ReadXcompBv();
            if (xcompBv.IsEmpty || xcompBv.Contains(63)) return Inner.Execute(state, operation);
            var outcome = Inner.Execute(state, op with { Memory = op.Memory.WithXcompBv(xcompBv | FeatureMask.Bit(63)) });
            return outcome with { Buffer = op.Memory };
        }
    }
}
