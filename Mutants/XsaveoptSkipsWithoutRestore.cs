using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// R20a misread: XSAVEOPT applies the modified optimization without the XRSTOR it must correspond to, leaving the
/// memory of every in-use extended component as it was. Allowed only after an XRSTOR from the same address, CPL and
/// COMPMASK with the component unmodified since; otherwise the saved image holds stale registers.
/// </summary>
public sealed class XsaveoptSkipsWithoutRestore(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:xsaveopt-skips-without-restore";
    public override string Description => "R20a: XSAVEOPT skips in-use components though no XRSTOR from that address preceded it";
    public override string Source => "emulator author mistake: XSAVEOPT's modified optimization without a matching XRSTOR (SDM 13.6, R20a)";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(cpu, Inner.Architecture(cpu));

    private sealed class Broken(CpuModel cpu, ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override InstructionOutcome Execute(MachineState state, ArchOperation operation)
        {
            var outcome = Inner.Execute(state, operation);
            if (operation is not XsaveFamilyOp { Instruction: XsaveInstruction.Xsaveopt } op || !outcome.Succeeded || outcome.Buffer is not { } after)
                return outcome;
            var buffer = after;
            foreach (int i in (state.Xcr0 & op.EdxEax & state.XinUse).Indices().Where(i => i >= 2 && cpu.ComponentSize(i) > 0))
            {
                // R14: the standard offset is CPUID.(0xD,i).EBX.
                var range = new ByteRange((int)cpu.SubLeaf(i).Ebx, cpu.ComponentSize(i));
                if (op.Memory.Covers(range)) buffer = buffer.WithBytes(range.Offset, op.Memory.Span(range.Offset, range.Length));
            }
            return outcome with { Buffer = buffer };
        }
    }
}
