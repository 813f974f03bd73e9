using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// The implementation and the oracle, booted alike and driven by the same operation sequence, agree on every return
/// value, every output buffer and (where the implementation can report it) the kernel state after every step.
/// </summary>
public static class KernelDifferentialLaws
{
    private const ContractPart ProcessParts = ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Uabi;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Differential.Law("kernel.boot.differential",
            ["R30", "R31", "R32", "R33", "R34", "R35", "R36", "R37", "R38", "R39", "R40", "R41", "R42", "R43", "R44", "I6"], ContractPart.LinuxBoot,
            "Booting gives the oracle's configuration: XSAVE use, format, XCR0/XSS, kernel/user/guest features and sizes.",
            // One CPU in four has an inconsistent enumeration the boot must survive (R35 APX with MPX, R36 ARCH_LBR without LBR).
            ctx => InputGen.CpuAndMask(ctx, FirmwareQuirkCpus.Boot(ctx), (Xsave.Contract.CpuModel _, ref SeededDraws _) => Xsave.Contract.FeatureMask.None), InputCodecs.CpuAndMask,
            (impl, x) => impl.Boot(x.Cpu.Cpu, KernelConfig.Default).Boot,
            (_, boot) => boot.Failed ? "boot failed" : !boot.Xsave ? "no XSAVE" : boot.Compacted ? RunEvents.CompactedBoot : RunEvents.StandardBoot)
            .Declares(new LawCoverage([RunEvents.CompactedBoot, RunEvents.StandardBoot], MaxVacuousShare: 0));

        yield return SequenceLaw("kernel.process.differential",
            ["R58", "R59", "R61", "R62", "R63", "R64", "R65", "R66", "R67", "R68", "R69", "R70", "R71", "I7", "I10", "I11", "I12"], ProcessParts, kvm: false,
            "Along random sequences of arch_prctl, sigaltstack, fork, exec, #NM and ptrace, every result and the state after each step equal the oracle's.",
            // What the process paths exist for: permission granted and first use, fork/exec, frames and both kinds of sigreturn, ptrace writes.
            new LawCoverage([RunEvents.PermGranted, RunEvents.PermEopnotsupp, RunEvents.AmxFirstUse, RunEvents.Fork, RunEvents.Exec,
                RunEvents.SignalFrame, RunEvents.SigreturnAccepted, RunEvents.SigreturnFailed, RunEvents.PtraceGet, RunEvents.PtraceSetAccepted],
                MaxVacuousShare: 0.25)); // short sequences that met none of them: measured at most 12%

        yield return SequenceLaw("kernel.kvm.differential",
            ["R73", "R75", "R76", "R77", "R78", "R79", "R80", "R81", "R82", "R83", "R85", "R86", "R87", "R88", "R89", "R90", "R91", "I9", "I13", "I14", "I15", "I16", "I17", "I19", "I20"],
            ContractPart.Linux, kvm: true,
            "Along random sequences that also create vCPUs and drive KVM (CPUID, XCRs, MSRs, XSAVE ioctls, KVM_RUN, INIT), every result and state equal the oracle's.",
            // What the KVM paths exist for (issue 16): SET_XSAVE accepted, refused and with XFD armed (H6, H25), the GETs
            // above 4 KiB (H5), the guest permission, runs with guest XFD writes, INIT. (The guest permission asked after
            // KVM_CREATE_VCPU, -EBUSY, comes in 1-5% of the sequences: kernel.kvm.uabi-above-4k.differential asks it on purpose.)
            new LawCoverage([RunEvents.GuestPermGranted, RunEvents.SetXsaveAccepted, RunEvents.SetXsaveRefused,
                RunEvents.SetXsaveWithXfd, RunEvents.GetXsaveAbove4k, RunEvents.GetXsave2Above4k, RunEvents.RunCompleted,
                RunEvents.GuestXfdWrite, RunEvents.HostXfdWrite, RunEvents.VcpuInit],
                MaxVacuousShare: 0.5)); // sequences with no vCPU or none of these outcomes: measured at most 36%
    }

    private static ConformanceProperty SequenceLaw(string name, string[] rules, ContractPart needs, bool kvm, string description, LawCoverage coverage) =>
        new Law<KernelScenario>(name, LawKind.Differential, rules, needs, description,
            ctx => ScenarioGen.Arbitrary(ctx, kvm), KernelScenarioCodec.Instance,
            (ctx, s) => Compare(ctx, s, coverage.Branches),
            (ctx, s) => new Evidence(KernelRun.Execute(ctx.Subject, s).ToJson(), KernelRun.Execute(ctx.Reference, s).ToJson()))
        .Declares(coverage);

    /// <summary>Runs both sides and labels the first step where they part (<see cref="StepComparison"/>).</summary>
    public static CaseResult Compare(PropertyContext ctx, KernelScenario s) => Compare(ctx, s, null);

    /// <summary>As <see cref="Compare(PropertyContext, KernelScenario)"/>, counting which of <paramref name="branches"/>
    /// (<see cref="RunEvents"/>) the run reached — in the oracle's run: the reference decides what happened.</summary>
    public static CaseResult Compare(PropertyContext ctx, KernelScenario s, IReadOnlyList<string>? branches)
    {
        var subject = KernelRun.Execute(ctx.Subject, s);
        var oracle = KernelRun.Execute(ctx.Reference, s);
        if (StepComparison.BootDifference(subject.Boot, oracle.Boot) is { } boot)
            return Check.That(false, boot);
        bool compareState = ctx.Subject.Capabilities.ObservesInternalState;
        if (compareState && !Equals(subject.Initial, oracle.Initial))
            return Check.That(false, $"state after boot differs: {SnapshotDiff.Describe(subject.Initial, oracle.Initial)}");
        for (int i = 0; i < s.Ops.Count; i++)
            if (StepComparison.Difference(subject.Steps[i], oracle.Steps[i], compareState) is { } difference)
                return Check.That(false, $"step {i} {OpText.Describe(s.Ops[i])}: {difference}");
        var agree = Check.That(true, "agree");
        if (branches is not null)
            foreach (var branch in RunEvents.Reached(branches, s, oracle)) agree = agree.In(branch);
        return agree;
    }
}
