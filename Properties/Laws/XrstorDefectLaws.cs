using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// XRSTOR's fault rules one at a time (R23-R25, R27; KO §5d): an image a save wrote under the restoring state itself,
/// so that at most one defect can make it fault. The random headers of the fault-predicate law mostly fault for
/// several reasons at once (state and image from different XCR0s), which hides an implementation that misses one
/// rule — the reserved MXCSR bit QEMU's TCG loads, or XCOMP_BV[63] read as "XCOMP_BV != 0".
/// </summary>
public static class XrstorDefectLaws
{
    public static IEnumerable<ConformanceProperty> All()
    {
        yield return InstructionLaws.Case("instructions.xrstor.one-defect.differential", LawKind.Differential, ["R23", "R24", "R25", "R27"],
            "XRSTOR of an image XSAVE or XSAVEC wrote under the same XCR0, with at most one defect (a reserved MXCSR bit, " +
            "XCOMP_BV[63] flipped, an XCOMP_BV bit on a standard image, an XSTATE_BV bit outside XCR0, a reserved header " +
            "byte in 16..23 or 24..63): fault, state and memory equal the oracle's.",
            ctx => InstructionGen.Arbitrary(ctx, Cases(ctx), new MachineConstraints(Runnable: true, ValidMxcsr: true)),
            (ctx, x) =>
            {
                var want = RegisterFieldLatitude.Want(ctx, x);
                return InstructionLaws.SameOutcome(InstructionLaws.Run(ctx.Subject, x), want).In(want.Succeeded ? "restored" : "faulted");
            }).Declares(new LawCoverage(["restored", "faulted"], MaxVacuousShare: 0));
    }

    private static Gen<InstructionCase> Cases(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        // Within what a fixed machine can hold (its XCR0, CPL, x87 register fields), as every other instruction law.
        from state in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true, ValidMxcsr: true).On(ctx.FixedMachine))
        from compacted in cpu.Cpu.HasXsavec ? Gen.Elements(false, true) : Gen.Constant(false)
        from defect in Defect(state.Xcr0, cpu.Cpu)
        from rfbm in Weighted.Of((3, Gen.Constant(FeatureMask.All)), (1, MaskGen.SubsetOf(cpu.Cpu.SupportedAll)))
        let spec = new BufferSpec(compacted ? BufferBase.SavedCompacted : BufferBase.SavedStandard, state, FeatureMask.All,
            defect is null ? [] : [defect], 0, null)
        select InstructionGen.Family(ctx, cpu, state, XsaveInstruction.Xrstor, rfbm, spec);

    private static Gen<Corruption?> Defect(FeatureMask xcr0, CpuModel cpu)
    {
        var outside = Enumerable.Range(0, 64).Where(i => !xcr0.Contains(i)).ToArray();
        var inside = xcr0.Indices().ToArray();
        return Weighted.Of(
            (1, Gen.Constant<Corruption?>(null)),
            (2, MachineGen.ReservedMxcsr(cpu).Select(m => (Corruption?)new Corruption(CorruptionKind.Mxcsr, 24, m))),
            (2, Gen.Constant<Corruption?>(new Corruption(CorruptionKind.FlipFormat, 63, 0))),
            (1, Gen.Elements(inside).Select(b => (Corruption?)new Corruption(CorruptionKind.XcompBvSet, b, 0))),
            (1, Gen.Elements(outside).Select(b => (Corruption?)new Corruption(CorruptionKind.XstateBvSet, b, 0))),
            (1, from k in Gen.Choose(16, 23) from v in Gen.Choose(1, 255) select (Corruption?)new Corruption(CorruptionKind.HeaderByte, k, (ulong)v)),
            (1, from k in Gen.Choose(24, 63) from v in Gen.Choose(1, 255) select (Corruption?)new Corruption(CorruptionKind.HeaderByte, k, (ulong)v)));
    }
}
