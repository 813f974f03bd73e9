using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// XSAVEOPT with nothing to optimise (R20, R20a): no XRSTOR preceded it, so the modified optimization may not apply
/// and every in-use component of RFBM must be written. An implementation that skips what it believes unmodified
/// leaves the stale bytes of the area — the general differential law meets that case too rarely to catch it always.
/// </summary>
public static class XsaveoptLaws
{
    private const string Written = "in-use components written", AllInit = "every component in its init state";

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return InstructionLaws.Case("instructions.xsaveopt.without-restore.differential", LawKind.Differential, ["R19", "R20", "R20a"],
            "XSAVEOPT of a state no XRSTOR produced (no tracked restore), RFBM = all, into a zeroed or 0xCC area: the " +
            "area, header and state equal the oracle's — nothing may be skipped as unmodified.",
            ctx => InstructionGen.Arbitrary(ctx, Cases(ctx), new MachineConstraints(Runnable: true, ValidMxcsr: true)),
            (ctx, x) => InstructionLaws.SameOutcome(InstructionLaws.Run(ctx.Subject, x), RegisterFieldLatitude.Want(ctx, x))
                .In((x.State.XinUse & x.State.Xcr0).Without(0).Without(1).IsEmpty ? AllInit : Written))
            .Declares(new LawCoverage([Written, AllInit], MaxVacuousShare: 0));
    }

    private static Gen<InstructionCase> Cases(PropertyContext ctx) =>
        from cpu in InstructionGen.CpusWith(ctx, c => c.HasXsaveopt, s => s with { Xsaveopt = true })
        from state in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true, ValidMxcsr: true).On(ctx.FixedMachine))
        from filled in Gen.Elements(false, true)
        let spec = BufferSpec.ZeroedFull with { Base = filled ? BufferBase.Filled : BufferBase.Zeroed }
        select InstructionGen.Family(ctx, cpu, state with { LastRestore = null }, XsaveInstruction.Xsaveopt, FeatureMask.All, spec);
}
