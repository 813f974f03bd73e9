using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// The KVM bugs of SPEC part E that the kill list lacked (H6, H10, H11, H14) are caught, and the shrunk case holds the
/// event each bug needs. Where the law that catches it compares state as well as results, the test also replays the
/// shrunk case with one more operation and shows a result that differs from the correct kernel's — the mutant breaks
/// behaviour, not only what its snapshot says.
/// </summary>
public class KvmHistoricalMutantTests(ITestOutputHelper output)
{
    private const int XtileData = (int)XFeature.XtileData;

    private KernelScenario Caught(IXstateImplementation mutant, string property, int maxTests = 300) =>
        MutantRun.Caught(output, mutant, property, maxTests);

    /// <summary>The outcome of <paramref name="extra"/> appended to <paramref name="s"/>.</summary>
    private KernelOutcome? Then(IXstateImplementation impl, KernelScenario s, KernelOp extra)
    {
        var step = KernelRun.Execute(impl, s with { Ops = [.. s.Ops, extra] }).Steps[^1];
        output.WriteLine($"{impl.Name}: {step.Describe()}");
        return step.Outcome;
    }

    [Fact]
    public void H6_SetXsaveKeepingXfdDisabledBits_IsCaught_AndTheNextRunKillsTheThread()
    {
        var mutant = new SetXsaveKeepsXfdBits(new OptimizedImplementation());
        var s = Caught(mutant, "kernel.kvm.differential");
        // The bug needs a KVM_SET_XSAVE whose XSTATE_BV has TILEDATA and an XFD write before it.
        var set = s.Ops.OfType<SetXsaveOp>().LastOrDefault(x => new FeatureMask(XsaveImage.Read(x.Image).XstateBv ?? 0).Contains(XtileData));
        Assert.True(set is not null, $"no KVM_SET_XSAVE with TILEDATA: {s}");
        Assert.Contains(s.Ops.TakeWhile(op => op != set), op => op is SetMsrOp { Msr: Uapi.Msr.Ia32Xfd } or KvmRunOp);
        // R87: the restore at the next KVM_RUN takes #NM in kernel mode; the correct kernel masked the bit and runs.
        var run = new KvmRunOp(set!.Vcpu, []);
        Assert.Equal(KernelSignal.ThreadDied, Then(mutant, s, run)?.Signal);
        Assert.NotEqual(KernelSignal.ThreadDied, Then(new OptimizedImplementation(), s, run)?.Signal);
    }

    [Fact]
    public void H10_SupportedCpuidOfferingXtileCfgAlone_IsCaught_ByTheSupportedCpuidLaw()
    {
        var s = Caught(new SupportedCpuidKeepsXtileCfg(new OptimizedImplementation()), "kernel.kvm.supported-cpuid");
        Assert.True(s.Cpu.Cpu.SupportedXcr0.Contains(XtileData), $"needs an AMX CPU: {s}");
        Assert.IsType<KvmGetSupportedCpuidOp>(s.Ops[^1]);
        // Filtered out only without the guest permission for TILEDATA.
        Assert.DoesNotContain(s.Ops, op => op is ArchPrctlOp { Option: Uapi.ArchPrctl.ReqXcompGuestPerm, Arg: (ulong)XtileData });
    }

    [Fact]
    public void H11_SetXsaveCheckingTheGuestCpuid_IsCaught_AndRefusesWhatTheCorrectKernelTakes()
    {
        var mutant = new SetXsaveChecksGuestCpuid(new OptimizedImplementation());
        var s = Caught(mutant, "kernel.kvm.differential");
        int set = s.Ops.ToList().FindLastIndex(op => op is SetXsaveOp);
        Assert.True(set > 0, $"no KVM_SET_XSAVE: {s}");
        Assert.Contains(s.Ops.Take(set), op => op is SetCpuid2Op);
        // The divergence is a result: -EINVAL where the fixed kernel (validating against supported_xcr0) returns 0.
        var prefix = s with { Ops = s.Ops.Take(set).ToList() };
        Assert.Equal(-(long)Errno.EINVAL, Then(mutant, prefix, s.Ops[set])?.Result);
        Assert.Equal(0, Then(new OptimizedImplementation(), prefix, s.Ops[set])?.Result);
    }

    [Fact]
    public void H14_GuestXfdStartingArmed_IsCaught_AndKvmGetMsrsReadsIt()
    {
        var mutant = new GuestXfdStartsArmed(new OptimizedImplementation());
        var s = Caught(mutant, "kernel.kvm.differential");
        Assert.True(s.Cpu.Cpu.SupportedXcr0.Contains(XtileData) && s.Cpu.Cpu.HasXfd, $"needs an AMX CPU with XFD: {s}");
        var created = KernelRun.Execute(mutant, s).Steps.FirstOrDefault(x => x.Op is VcpuCreateOp && x.Outcome?.Created is not null);
        Assert.True(created is not null, $"no vCPU created: {s}");
        // Replayed up to the creation and asked: IA32_XFD is TILEDATA on the mutant, the architectural 0 when correct.
        var prefix = s with { Ops = s.Ops.Take(created!.Index + 1).ToList() };
        var read = new GetMsrOp(created.Outcome!.Created!.Value, Uapi.Msr.Ia32Xfd);
        Assert.Equal(1UL << XtileData, Then(mutant, prefix, read)?.Value);
        Assert.Equal(0UL, Then(new OptimizedImplementation(), prefix, read)?.Value);
    }
}
