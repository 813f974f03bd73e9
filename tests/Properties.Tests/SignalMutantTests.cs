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
/// The signal-frame mutants (SPEC R72, H15-H17 put back) are caught by the suite's laws on generated cases, and the
/// counterexample keeps the operation that meets the bug.
/// </summary>
public class SignalMutantTests(ITestOutputHelper output)
{
    private KernelScenario Shrunk(IXstateImplementation mutant, string property, int maxTests = 300) =>
        MutantRun.Caught(output, mutant, property, maxTests);

    [Fact]
    public void H15_InitValuesZeroInTheFrame_AreCaught_ByTheFrameWordsLaw()
    {
        var s = Shrunk(new SigframeInitValuesZero(new OptimizedImplementation()), "kernel.signal.frame-words");
        Assert.Contains(s.Ops, op => op is SignalDeliverOp);
    }

    [Fact]
    public void H17_PkruBitNotForced_IsCaught_ByTheFrameWordsLaw()
    {
        var s = Shrunk(new SigframePkruBitNotForced(new OptimizedImplementation()), "kernel.signal.frame-words", maxTests: 1000);
        Assert.True(s.Cpu.Cpu.SupportedXcr0.Contains(Contract.XFeature.Pkru), $"needs a PKU CPU: {s}");
    }

    [Fact]
    public void H16_FailedSigreturnKeepingTheState_IsCaught_ByTheResetLaw()
    {
        var s = Shrunk(new SigreturnFailureKeepsState(new OptimizedImplementation()), "kernel.signal.failed-sigreturn-resets");
        Assert.Contains(s.Ops, op => op is SigreturnOp);
    }

    [Theory]
    [InlineData("mutant:r72-sigreturn-checks-header")]
    [InlineData("mutant:r72-altstack-overflow-delivered")]
    [InlineData("mutant:r72-minsigstksz-without-fsave")]
    [InlineData("mutant:h17-sigframe-pkru-bit-not-forced")]
    [InlineData("mutant:h15-sigframe-init-values-zero")]
    [InlineData("mutant:h16-sigreturn-failure-keeps-state")]
    public void EverySignalMutant_IsCaught_ByTheProcessDifferential(string name)
    {
        var mutant = MutantCatalog.All(new OptimizedImplementation()).Single(m => m.Name == name);
        Shrunk(mutant, "kernel.process.differential", maxTests: 1000);
    }
}
