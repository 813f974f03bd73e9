using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using static Xsave.Properties.Laws.KernelInvariantLaws;

namespace Xsave.Properties.Laws;

/// <summary>The fatal XFD #NM of R87/H25: only a host-initiated IA32_XFD write can lead a VMM thread there.</summary>
public static class XfdDeathLaws
{
    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Invariant("kernel.xfd.host-write-only-death", ["R87", "I15", "H25", "H6"], ContractPart.Kvm, kvm: true,
            "A VMM that never writes IA32_XFD from the host (KVM_SET_MSRS) never has a thread die in KVM_RUN, and a death leaves the guest FPU in use.",
            (ctx, s, t) =>
            {
                bool hostXfd = s.Ops.Any(op => op is SetMsrOp { Msr: Uapi.Msr.Ia32Xfd });
                return Each(t.Transitions(), tr =>
                {
                    if (tr.Op is not KvmRunOp run || tr.Step.Outcome?.Signal != KernelSignal.ThreadDied) return null;
                    if (!hostXfd) return $"step {tr.Step.Index} {OpText.Describe(tr.Op)}: the thread died without any host XFD write (R87: I15 holds on every other path)";
                    return tr.After.Vcpus[run.Vcpu].FpuLoaded ? null : $"vcpu{run.Vcpu}: the thread died in KVM_RUN yet its guest FPU was put back";
                });
            },
            // Vacuous: sequences without a KVM_RUN or host XFD write; measured at most 57%. A death itself (its second
            // clause) needs SET_XSAVE, then the host write, then KVM_RUN, in that order: rare in random sequences, so it
            // is not declared here — the next law brings it about in every applicable case.
            Events(0.7, RunEvents.RunCompleted, RunEvents.HostXfdWrite));
        yield return new Law<KernelScenario>("kernel.xfd.host-write-after-set-xsave-dies", LawKind.Metamorphic,
            ["R87", "I15", "H25"], ContractPart.LinuxBoot | ContractPart.Kvm,
            "On an XFD CPU: KVM_SET_XSAVE with TILEDATA, then a host KVM_SET_MSRS(IA32_XFD = TILEDATA): the next KVM_RUN kills the VMM thread, the guest FPU stays in use, and destroying the vCPU WARNs.",
            // Half the CPUs with AMX and XFD: drawn as every law's, most lacked them and checked nothing.
            ctx => Arb.From(HostXfdAfterSetXsave(Weighted.Of((1, InputGen.Cpus(ctx)),
                (1, InstructionGen.CpusWith(ctx, c => ArchMasks.Xtile.IsSubsetOf(c.SupportedXcr0) && c.HasXfd,
                    s => s with { User = s.User | ArchMasks.Xtile, Xfd = true }))))),
            KernelScenarioCodec.Instance,
            DiesAsR87Says).Declares(new LawCoverage([Died], MaxVacuousShare: 0.65)); // CPUs without AMX and XFD: measured at most 50%
    }

    private const int XtileData = 18;
    private const string Died = "thread died in KVM_RUN after the host XFD write";

    private static Gen<KernelScenario> HostXfdAfterSetXsave(Gen<CpuCase> cpus) =>
        from cpu in cpus
        let c = cpu.Cpu
        from pattern in Gen.Choose(1, 255)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)
        let bv = c.SupportedXcr0 & new FeatureMask(0x60003)
        select new KernelScenario(cpu, KernelConfig.Default,
        [
            .. VmmSetup.Prologue(c, withSub1: true),
            new SetXsaveOp(0, KernelOpGen.BuildImage(c, uabi, bv, 0, 0x1F80, (byte)pattern)),
            new SetMsrOp(0, Uapi.Msr.Ia32Xfd, 1UL << XtileData),
            new KvmRunOp(0, []),
            new VcpuDestroyOp(0),
        ]);

    private static CaseResult DiesAsR87Says(PropertyContext ctx, KernelScenario s)
    {
        var t = KernelRun.Execute(ctx.Subject, s);
        // Only where the image kept TILEDATA and the host write was taken does R87's exception arise.
        if (t.Steps.Count < 7 || t.Steps[3].Outcome?.Result != 0 || t.Steps[4].Outcome?.Result != 1
            || t.Steps[4].After?.Vcpus[0].Fpstate?.XstateBv.Contains(XtileData) != true)
            return Check.Vacuous("not applicable");
        var run = t.Steps[5];
        if (run.Outcome?.Signal != KernelSignal.ThreadDied)
            return Check.That(false, $"KVM_RUN with XSTATE_BV ∩ XFD ∋ TILEDATA gave signal {run.Outcome?.Signal?.Name() ?? "none"} (R87: the thread dies)");
        if (run.After?.Vcpus[0].FpuLoaded != true) return Check.That(false, "the guest FPU was put back after the thread died (R87: it stays in_use)");
        var destroy = t.Steps[6].Outcome?.Signal;
        return Check.That(destroy == KernelSignal.Warn, $"destroy after the death gave {destroy?.Name() ?? "none"} (R87: fpu_free_guest_fpstate WARNs)").In(Died);
    }
}
