using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xunit.Abstractions;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Tests;

/// <summary>
/// Deliberately wrong kernels (SPEC part E bugs put back on top of the optimized implementation) are caught, and the
/// counterexample shrinks to a handful of events. The bounds are loose on purpose: FsCheck's shrinking is greedy and
/// finds local minima (FSCHECK.md §10), so tests assert "small", never an exact minimum.
/// </summary>
public class KernelMutantTests(ITestOutputHelper output)
{
    private KernelScenario Shrunk(IXstateImplementation mutant, string property, int maxTests = 300) =>
        MutantRun.Caught(output, mutant, property, maxTests);

    [Fact]
    public void HostFpstatesCarryingCetKernel_AreCaught_WithinTwoEvents()
    {
        var s = Shrunk(new HostFpstatesCarryCetKernel(new OptimizedImplementation()), "kernel.host-fpstate.no-guest-supervisor");
        // The state right after boot already shows it: nothing needs to happen.
        Assert.True(s.Ops.Count <= 2, $"{s.Ops.Count} events: {s}");
        Assert.True(s.Cpu.Cpu.SupportedXss.Contains(Contract.XFeature.CetKernel));
    }

    [Fact]
    public void H1_SupervisorBitsDroppedByARequest_AreCaught_WithinThreeEvents()
    {
        var s = Shrunk(new RequestDropsSupervisorPermissions(new OptimizedImplementation()), "kernel.perm.only-grows");
        Assert.True(s.Ops.Count <= 3, $"{s.Ops.Count} events: {s}");
        Assert.Contains(s.Ops, op => op is Contract.Linux.ArchPrctlOp { Option: 0x1023 or 0x1025, Arg: 18 });
    }

    [Fact]
    public void GetXsaveIgnoringTheUabiLimit_IsCaught_WithinSixEvents()
    {
        var s = Shrunk(new GetXsaveIgnoresLimit(new OptimizedImplementation()), "kernel.kvm.xsave-sizes", maxTests: 500);
        // Permission, vCPU, CPUID with AMX, KVM_GET_XSAVE: four are needed; allow a little slack.
        Assert.True(s.Ops.Count <= 6, $"{s.Ops.Count} events: {s}");
        Assert.IsType<Contract.Linux.GetXsaveOp>(s.Ops[^1]);
    }

    [Fact]
    public void H24_StaleCpuidAfterRun_IsCaught_ByTheReapplyLaw()
    {
        var s = Shrunk(new CpuidStaleAfterRun(new OptimizedImplementation()), "kernel.kvm.cpuid-reapply-after-run", maxTests: 100);
        // The guest XSETBV must change XCR0 for the stored table to go stale.
        Assert.Contains(s.Ops, op => op is Contract.Linux.KvmRunOp { Exits: [Contract.Linux.GuestXsetbv { Value: not 1 }] });
    }

    [Fact]
    public void R61a_ExecKeepingPkruZero_IsCaught_WithinThreeEvents()
    {
        var s = Shrunk(new ExecKeepsPkruZero(new OptimizedImplementation()), "kernel.pkru.exec-default");
        Assert.True(s.Ops.Count <= 3, $"{s.Ops.Count} events: {s}");
        Assert.Contains(s.Ops, op => op is Contract.Linux.ExecOp);
    }

    [Fact]
    public void R86a_GetXsaveDroppingTheGuestPkru_IsCaught_ByThePkruLaw()
    {
        var s = Shrunk(new GetXsaveDropsGuestPkru(new OptimizedImplementation()), "kernel.kvm.pkru-across-run", maxTests: 100);
        Assert.IsType<Contract.Linux.GetXsave2Op>(s.Ops[^1]);
    }

    [Fact]
    public void H25_SurvivedXfdNm_IsCaught_ByTheDeathLaw()
    {
        var s = Shrunk(new XfdNmSurvived(new OptimizedImplementation()), "kernel.xfd.host-write-after-set-xsave-dies", maxTests: 100);
        Assert.True(s.Cpu.Cpu.SupportedXcr0.Contains(18), $"needs an AMX CPU: {s}");
    }
}
