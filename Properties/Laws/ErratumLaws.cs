using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// SPEC R38a: the AMD erratum 1386 boot decision follows the microcode revision. The generated CPUs are family 0x17
/// parts whose model, stepping and revision sit on both sides of arch/x86/kernel/cpu/amd.c's erratum_1386_microcode[];
/// KVM_GET_SUPPORTED_CPUID shows the decision (0xD.1 EAX bit 3 follows the boot CPU's XSAVES).
/// </summary>
public static class ErratumLaws
{
    /// <summary>(model, stepping, fixed revision) of erratum_1386_microcode[], plus two family 0x17 parts it does not list.</summary>
    private static readonly (int Model, int Stepping, uint Revision)[] Parts =
        [(0x01, 0x2, 0x0800126e), (0x31, 0x0, 0x08301052), (0x08, 0x2, 0x0800820d), (0x71, 0x0, 0x08701030)];

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.boot.erratum-1386.differential", LawKind.Differential, ["R38a", "R73"],
            ContractPart.LinuxBoot | ContractPart.Kvm,
            "On AMD family 0x17 parts around the fixed microcode revisions (unknown revision included), boot and " +
            "KVM_GET_SUPPORTED_CPUID agree with the oracle: XSAVES stays only at or above the fix.",
            ctx => Arb.From(Scenarios(ctx)), KernelScenarioCodec.Instance,
            (ctx, s) => KernelDifferentialLaws.Compare(ctx, s).In(Branch(s.Cpu.Cpu)))
            .Declares(new LawCoverage([BelowFix, AtFix, NoRevision], MaxVacuousShare: 0));
    }

    private const string BelowFix = "microcode below the fixed revision", AtFix = "microcode at or above the fixed revision",
        NoRevision = "microcode revision unknown";

    /// <summary>Which side of erratum_1386_microcode[]'s fixed revision the CPU is on (the input decides).</summary>
    private static string Branch(CpuModel cpu) =>
        cpu.MicrocodeRevision is not { } revision ? NoRevision
        : Parts.FirstOrDefault(p => p.Model == cpu.Model && p.Stepping == cpu.Stepping) is { Revision: > 0 } part && revision < part.Revision ? BelowFix
        : AtFix;

    private static Gen<KernelScenario> Scenarios(PropertyContext ctx)
    {
        // A real machine answers for itself: its own CPU, unchanged.
        if (ctx.FixedCpu is { } fixedCpu) return Gen.Constant(Scenario(fixedCpu));
        var zen = ctx.CorpusCpus.Where(c => c.Vendor == "AuthenticAMD" && c.Family == 0x17 && c.HasXsaves).ToArray();
        var bases = zen.Length > 0
            ? Gen.Elements(zen)
            : CpuGen.Synthetic.Where(s => s.Xsaves).Select(s => s.ToCpuModel() with { Vendor = "AuthenticAMD", Family = 0x17 });
        return from cpu in bases
               from part in Gen.Elements(Parts)
               from delta in Gen.Elements<long?>(null, -1, 0, 0x100)
               let revision = delta is { } d ? (uint?)(part.Revision + d) : null
               select Scenario(cpu with { Model = part.Model, Stepping = part.Stepping, MicrocodeRevision = revision });
    }

    private static KernelScenario Scenario(CpuModel cpu) =>
        new(new CpuCase(cpu, null), KernelConfig.Default, [new KvmGetSupportedCpuidOp(1)]);
}
