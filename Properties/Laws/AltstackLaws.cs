using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// A signal on an alternate stack near the frame's size (R66, R72; KO §6a): sigaltstack() takes any size from
/// MINSIGSTKSZ up, and a frame that does not fit is not delivered (SIGSEGV). Random sequences install a small stack
/// and then deliver on it on the same thread too rarely to count on; this law does it every time.
/// </summary>
public static class AltstackLaws
{
    private const string Fits = "frame fits", Overflows = "frame overflows";

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.signal.altstack-fit.differential", LawKind.Differential, ["R66", "R72"],
            ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Uabi,
            "sigaltstack() of a size around the signal frame's, then a signal delivered on it: results, frame and signal " +
            "agree with the oracle (a frame that does not fit is SIGSEGV, KO §6a).",
            ctx => Arb.From(Scenarios(ctx)), KernelScenarioCodec.Instance,
            (ctx, s) => KernelDifferentialLaws.Compare(ctx, s).In(Branch(ctx, s)))
            .Declares(new LawCoverage([Fits, Overflows], MaxVacuousShare: 0));
    }

    // Which side of the limit the case is on, by the oracle's answer (the reference decides, the subject is compared).
    private static string Branch(PropertyContext ctx, KernelScenario s) =>
        Comparison.KernelRun.Execute(ctx.Reference, s).Steps[^1].Outcome?.Signal == KernelSignal.SigSegv ? Overflows : Fits;

    private static Gen<KernelScenario> Scenarios(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        from size in Gen.Elements(2048UL, 2400UL, 3000UL, 3375UL, 3376UL, 4096UL, 8192UL, 16384UL)
        select new KernelScenario(cpu, KernelConfig.Default,
            [new SigaltstackOp(1, 0, size), new SignalDeliverOp(1, 0, OnAltstack: true)]);
}
