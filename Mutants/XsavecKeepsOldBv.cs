using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R19 applied where R21 holds: XSAVEC merges XSTATE_BV like XSAVE, (OLD_BV AND NOT RFBM) OR (XINUSE AND RFBM), so
/// stale bits outside RFBM survive in a compacted image and a later compacted XRSTOR either faults (XSTATE_BV ⊄
/// XCOMP_BV) or loads components that were never saved. A plausible confusion of the two header rules.
/// </summary>
public sealed class XsavecKeepsOldBv(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:xsavec-keeps-old-bv";
    public override string Description => "R21 vs R19: XSAVEC keeps the old XSTATE_BV bits outside RFBM as XSAVE does";
    public override string Source => "emulator/kernel author mistake: XSAVE's XSTATE_BV merge (R19) applied to XSAVEC (R21)";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override InstructionOutcome Execute(MachineState state, ArchOperation operation)
        {
            var outcome = Inner.Execute(state, operation);
            if (operation is not XsaveFamilyOp { Instruction: XsaveInstruction.Xsavec } op || !outcome.Succeeded || outcome.Buffer is not { } after)
                return outcome;
            var rfbm = state.Xcr0 & op.EdxEax;
            var merged = (op.Memory.ReadXstateBv() & ~rfbm) | (after.ReadXstateBv() & rfbm);
            return outcome with { Buffer = after.WithXstateBv(merged) };
        }
    }
}
