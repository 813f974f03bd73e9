using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// INIT of a vCPU whose every guest component holds data (R91, H7): KVM keeps the guest xstate except the MPX and CET
/// components (kvm_xstate_reset(init_event)), whether the INIT arrives between runs or while the guest FPU is loaded.
/// The generic sequences almost never put MPX data in a guest and then INIT it, so this law does it on purpose, on
/// CPUs with MPX half of the time.
/// </summary>
public static class KvmInitLaws
{
    private static readonly FeatureMask Mpx = FeatureMask.Of(XFeature.BndRegs, XFeature.BndCsr);

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.kvm.init-clears-only-mpx-cet", LawKind.Differential, ["R91", "R89", "H7"],
            ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Kvm,
            "A vCPU given data in every guest component (KVM_SET_XSAVE) then INIT (between runs or while running): " +
            "KVM_GET_XSAVE2 agrees with the oracle — MPX and CET initialised, every other component kept.",
            ctx => Arb.From(Scenarios(ctx)), KernelScenarioCodec.Instance,
            (ctx, s) => KernelDifferentialLaws.Compare(ctx, s)
                .In(Mpx.IsSubsetOf(s.Cpu.Cpu.SupportedXcr0) ? "MPX state at INIT" : "no MPX")
                .In(s.Ops[^2] is KvmRunOp ? "INIT while running" : "INIT between runs"))
            .Declares(new LawCoverage(["MPX state at INIT", "INIT while running", "INIT between runs"], MaxVacuousShare: 0));
    }

    private static Gen<KernelScenario> Scenarios(PropertyContext ctx) =>
        from cpu in Weighted.Of(
            (1, InputGen.Cpus(ctx)),
            (1, InstructionGen.CpusWith(ctx, c => Mpx.IsSubsetOf(c.SupportedXcr0), s => s with { User = s.User | Mpx })))
        let c = cpu.Cpu
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)
        from pattern in Gen.Choose(1, 255)
        from whileRunning in Gen.Elements(false, true)
        let image = KernelOpGen.BuildImage(c, uabi, c.SupportedXcr0, 0, 0x1F80, (byte)pattern)
        select new KernelScenario(cpu, KernelConfig.Default,
        [
            .. VmmSetup.Prologue(c),
            new SetXcrsOp(0, 0, [new XcrEntry(0, c.SupportedXcr0.Bits)]),
            new SetXsaveOp(0, image),
            whileRunning ? new KvmRunOp(0, [new InitWhileRunning()]) : new VcpuInitOp(0),
            new GetXsave2Op(0, uabi),
        ]);
}
