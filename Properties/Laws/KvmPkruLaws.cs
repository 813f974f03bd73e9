using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// PKRU across KVM_RUN (R86a): the guest's own PKRU is what KVM_GET_XSAVE2 reports, and the PKRU header bit follows the
/// host thread's PKRU with which the put saved the guest fpstate. Checked on the implementation alone.
/// </summary>
public static class KvmPkruLaws
{
    private const int Pkru = (int)XFeature.Pkru;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.kvm.pkru-across-run", LawKind.Metamorphic,
            ["R86a", "R86", "R89", "R61a"], ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Kvm,
            "With PKRU in the host XCR0: after a KVM_RUN in which the guest executed WRPKRU v, KVM_GET_XSAVE2 has XSTATE_BV[PKRU] = 1 exactly when the VMM thread's PKRU is non-zero, and then v in the PKRU slot.",
            // Half the CPUs with PKRU: drawn as every law's, half of them lacked it and checked nothing.
            ctx => Arb.From(Runs(Weighted.Of((1, InputGen.Cpus(ctx)),
                (1, InstructionGen.CpusWith(ctx, c => c.SupportedXcr0.Contains(Pkru), s => s with { User = s.User.With(Pkru) }))))),
            KernelScenarioCodec.Instance,
            Holds).Declares(new LawCoverage([HostPkru, HostPkruZero], MaxVacuousShare: 0.5)); // CPUs without PKRU: measured at most 38%
    }

    private const string HostPkru = "VMM thread PKRU non-zero", HostPkruZero = "VMM thread PKRU zero";

    /// <summary>A vCPU with the CPU's user features, the VMM's WRPKRU h (or none: init_pkru_value), a guest WRPKRU v,
    /// then KVM_GET_XSAVE2.</summary>
    private static Gen<KernelScenario> Runs(Gen<CpuCase> cpus) =>
        from cpu in cpus
        let c = cpu.Cpu
        from host in Gen.Elements<uint?>(null, 0u, 0xCu, 0x5555_5554u)
        from guest in Gen.Elements(0u, 0x12u, 0xFFFF_FFFCu)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)
        select new KernelScenario(cpu, KernelConfig.Default,
            [.. VmmSetup.Prologue(c), .. host is uint h ? new KernelOp[] { new WritePkruOp(1, 0, h) } : [], new KvmRunOp(0, [new GuestWritePkru(guest)]), new GetXsave2Op(0, uabi)]);

    private static CaseResult Holds(PropertyContext ctx, KernelScenario s)
    {
        var trace = KernelRun.Execute(ctx.Subject, s);
        var cpu = s.Cpu.Cpu;
        if (!trace.Boot.Xsave || !trace.Boot.Xcr0.Contains(Pkru) || trace.Steps[^2].Outcome?.Result != 0)
            return Check.Vacuous("not applicable");
        if (trace.Steps[^1].Outcome?.Data is not { } image) return Check.That(false, $"KVM_GET_XSAVE2 failed: {trace.Steps[^1].Outcome?.Result}");
        uint hostPkru = s.Ops.OfType<WritePkruOp>().Select(w => (uint?)w.Value).LastOrDefault() ?? 0x5555_5554u; // R61a default
        uint guestPkru = s.Ops.OfType<KvmRunOp>().Single().Exits.OfType<GuestWritePkru>().Single().Value;
        bool bit = new FeatureMask(XsaveImage.Read(image).XstateBv ?? 0).Contains(Pkru);
        if (bit != (hostPkru != 0))
            return Check.That(false, $"XSTATE_BV[PKRU] = {bit} after KVM_RUN with host PKRU 0x{hostPkru:x} (R86a: saved with the host's PKRU)");
        int at = cpu.StandardOffset(Pkru);
        uint slot = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(at));
        return Check.That(!bit || slot == guestPkru, $"PKRU slot 0x{slot:x}, the guest wrote 0x{guestPkru:x} (R86a: vcpu.arch.pkru)")
            .In(hostPkru != 0 ? HostPkru : HostPkruZero);
    }
}
