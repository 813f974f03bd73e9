using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// The H5 path on purpose (R88, R89, I16): with the guest permitted TILEDATA before its vCPU exists, the guest's uABI
/// size passes 4096 on AMX CPUs. The generic sequences reach a KVM_GET_XSAVE there in about 1% of cases; this law
/// asks for it in every one, on AMX CPUs half of the time, with and without the permission.
/// </summary>
public static class KvmUabiSizeLaws
{
    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.kvm.uabi-above-4k.differential", LawKind.Differential, ["R88", "R89", "I16", "H5", "R64", "R85"],
            ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Kvm,
            "A VMM asks for the TILEDATA guest permission before creating a vCPU, or after it (locked), then asks KVM_CAP_XSAVE2, " +
            "KVM_GET_XSAVE and KVM_GET_XSAVE2: the answers agree with the oracle (KVM_GET_XSAVE refuses once uabi_size > 4096).",
            ctx => Arb.From(Scenarios(ctx)), KernelScenarioCodec.Instance,
            (ctx, s) => KernelDifferentialLaws.Compare(ctx, s).In(Branch(s))).Declares(new LawCoverage([AboveFourK, Locked, NoAmx], MaxVacuousShare: 0));
    }

    private const string AboveFourK = "AMX permitted (uabi_size > 4096)", Locked = "AMX asked after KVM_CREATE_VCPU", NoAmx = "no AMX";

    private static string Branch(KernelScenario s) =>
        !ArchMasks.Xtile.IsSubsetOf(s.Cpu.Cpu.SupportedXcr0) || !s.Cpu.Cpu.HasXfd ? NoAmx
        : s.Ops[0] is ArchPrctlOp ? AboveFourK : Locked;

    private static Gen<KernelScenario> Scenarios(PropertyContext ctx) =>
        from cpu in Weighted.Of(
            (1, InputGen.Cpus(ctx)),
            (1, InstructionGen.CpusWith(ctx, c => ArchMasks.Xtile.IsSubsetOf(c.SupportedXcr0) && c.HasXfd,
                s => s with { User = s.User | ArchMasks.Xtile, Xfd = true })))
        let c = cpu.Cpu
        from permitted in Weighted.Of((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        let prologue = VmmSetup.Prologue(c)
        select new KernelScenario(cpu, KernelConfig.Default,
        [
            // Without the permission first, the request comes after KVM_CREATE_VCPU: -EBUSY where TILEDATA exists
            // (FPU_GUEST_PERM_LOCKED, R64/R85), and the vCPU keeps its small uABI size.
            .. permitted ? prologue : [.. prologue[1..], prologue[0]],
            new KvmCheckExtensionOp(1, Uapi.KvmCap.Xsave2),
            new GetXsaveOp(0),
            new GetXsave2Op(0, Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)),
        ]);
}
