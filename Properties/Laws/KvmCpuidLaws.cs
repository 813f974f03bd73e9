using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// The guest CPUID after KVM_RUN (R77, R78, H24): a VMM may re-apply its table, or the one it reads back, once the guest
/// changed XCR0. Checked on the implementation alone; the expected sizes come from the reference's layout rules.
/// </summary>
public static class KvmCpuidLaws
{
    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.kvm.cpuid-reapply-after-run", LawKind.Metamorphic,
            ["R77", "R78", "I17", "H24"], ContractPart.LinuxBoot | ContractPart.Kvm,
            "After a KVM_RUN in which the guest set XCR0, KVM_SET_CPUID2 accepts the original table (0), KVM_GET_CPUID2 reports 0xD.0 EBX = standard size of the guest XCR0, and that read-back table is accepted too.",
            ctx => Arb.From(Reapply(InputGen.Cpus(ctx))),
            KernelScenarioCodec.Instance,
            Holds).Declares(new LawCoverage([Reapplied, Extended], MaxVacuousShare: 0.2)); // no XSAVE or a refused table: measured at most 7%
    }

    private const string Reapplied = "table re-applied after a guest XSETBV", Extended = "guest XCR0 with extended state";

    /// <summary>Guest permission, a vCPU with the CPU's whole leaf 0xD, a guest XSETBV, then the original table again
    /// and KVM_GET_CPUID2 (the law adds the read-back table itself).</summary>
    private static Gen<KernelScenario> Reapply(Gen<CpuCase> cpus) =>
        from cpu in cpus
        let c = cpu.Cpu
        from xcr0 in MaskGen.LegalXcr0(c.SupportedXcr0)
        let prologue = VmmSetup.Prologue(c)
        select new KernelScenario(cpu, KernelConfig.Default,
            [.. prologue, new KvmRunOp(0, [new GuestXsetbv(0, 0, xcr0.Bits)]), prologue[^1], new GetCpuid2Op(0)]);

    private static CaseResult Holds(PropertyContext ctx, KernelScenario s)
    {
        var trace = KernelRun.Execute(ctx.Subject, s);
        // Without XSAVE KVM has no leaf 0xD to fix up; a refused first table or a failed run leaves nothing to re-apply.
        if (!trace.Boot.Xsave || trace.Steps.Count < 6 || trace.Steps[2].Outcome?.Result != 0 || trace.Steps[3].Outcome?.Result != 0)
            return Check.Vacuous("not applicable");
        var again = trace.Steps[4].Outcome?.Result;
        if (again != 0) return Check.That(false, $"KVM_SET_CPUID2 of the original table after KVM_RUN returned {again} (R78: 0)");
        var get = trace.Steps[5].Outcome;
        if (get?.Result != 0 || get.Cpuid?.FirstOrDefault(e => e.Function == 0xD && e.Index == 0) is not { } sub0)
            return Check.That(false, $"KVM_GET_CPUID2 returned {get?.Result} without 0xD.0");
        ulong xcr0 = trace.Steps[5].After?.Vcpus[0].Xcr0.Bits ?? 1;
        int std = ctx.Reference.Architecture(s.Cpu.Cpu).StandardSize(new FeatureMask(xcr0));
        if (sub0.Regs.Ebx != std) return Check.That(false, $"KVM_GET_CPUID2 0xD.0 EBX {sub0.Regs.Ebx} != standard size {std} of XCR0 0x{xcr0:x} (R77)");
        var readBack = KernelRun.Execute(ctx.Subject, s with { Ops = [.. s.Ops, new SetCpuid2Op(0, get.Cpuid)] });
        var last = readBack.Steps[^1].Outcome?.Result;
        var property = Check.That(last == 0, $"KVM_SET_CPUID2 of the table read back returned {last} (R78: 0)").In(Reapplied);
        return new FeatureMask(xcr0).Highest >= 2 ? property.In(Extended) : property;
    }
}
