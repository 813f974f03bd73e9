using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// The issue-11 lifecycle and guest-write mutants are caught by their laws (process exit and execve closing the KVM
/// fds, de_thread; a guest write surviving INIT), and the counterexample names the operation at fault.
/// </summary>
public class LifecycleMutantTests(ITestOutputHelper output)
{
    private KernelScenario Caught(IXstateImplementation mutant, string property, int maxTests) =>
        MutantRun.Caught(output, mutant, property, maxTests);

    [Fact]
    public void ExitKeepingTheVcpus_IsCaught_ByTheReleaseLaw()
    {
        var s = Caught(new ExitKeepsVcpuFpstate(new OptimizedImplementation()), "kernel.exit.releases-vcpus", 300);
        Assert.Contains(s.Ops, op => op is VcpuCreateOp);
        Assert.Contains(s.Ops, op => op is ExitGroupOp or ExecOp);
    }

    [Fact]
    public void ExecKeepingSiblingThreads_IsCaught_ByTheReleaseLaw()
    {
        var s = Caught(new ExecKeepsSiblingThreads(new OptimizedImplementation()), "kernel.exit.releases-vcpus", 300);
        Assert.Contains(s.Ops, op => op is SpawnThreadOp);
        Assert.Contains(s.Ops, op => op is ExecOp);
    }

    [Fact]
    public void InitClearingAvxRegisters_IsCaught_ByTheGuestWriteLaw()
    {
        var s = Caught(new InitClearsAvxRegisters(new OptimizedImplementation()), "kernel.kvm.guest-write-visible", 200);
        Assert.Contains(s.Ops, op => op is VcpuInitOp);
    }
}

/// <summary>The guest-write law's cases reach all three of its branches (completed, #UD, #NM) on corpus CPUs.</summary>
public class GuestWriteBranchTests(ITestOutputHelper output)
{
    [Fact]
    public void TheLawsCases_CoverCompletedUdAndNm()
    {
        var ctx = CatalogTests.Context();
        var cases = FsCheck.Fluent.Gen.Sample(Laws.GuestWriteLaws.Writes(Laws.GuestWriteLaws.Cpus(ctx)), 300, new FsCheck.Rnd(11UL), 30);
        var branches = new Dictionary<string, int>();
        foreach (var s in cases)
        {
            var run = KernelRun.Execute(new OptimizedImplementation(), s).Steps.First(x => x.Op is KvmRunOp);
            if (run.Outcome?.Exits is { Count: > 0 } exits) branches[exits[^1].ToString()] = branches.GetValueOrDefault(exits[^1].ToString()) + 1;
        }
        output.WriteLine(string.Join(", ", branches.Select(kv => $"{kv.Key}={kv.Value}")));
        foreach (var b in new[] { "completed", "#UD", "#NM" })
            Assert.True(branches.GetValueOrDefault(b) >= 15, $"branch {b} reached {branches.GetValueOrDefault(b)} times in 300 cases");
    }
}
