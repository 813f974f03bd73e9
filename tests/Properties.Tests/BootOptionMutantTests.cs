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
/// The boot-option laws pass for the optimized implementation and catch clearcpuid= without the cpuid-deps closure;
/// the shrunk counterexample still carries a boot option (without one the mutant is the correct implementation).
/// </summary>
public class BootOptionMutantTests(ITestOutputHelper output)
{
    private PropertyOutcome RunAgainst(string law, IXstateImplementation subject, ulong seed) => MutantRun.Of(output, law, subject, seed);

    [Theory]
    [InlineData(1UL)]
    [InlineData(9UL)]
    public void ClearcpuidWithoutClosure_IsCaught_WithABootOptionLeft(ulong seed)
    {
        var outcome = RunAgainst("kernel.boot.options.differential", new ClearCpuidNoClosure(new OptimizedImplementation()), seed);
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        var s = Assert.IsType<KernelScenario>(Assert.Single(outcome.Shrunk!));
        Assert.True(s.Config.ClearCpuid != CpuidFlags.None || s.Config.NoXsaves, s.ToString());
    }

    [Theory]
    [InlineData("kernel.boot.options.differential")]
    [InlineData("kernel.boot.xcr0-accepted-or-failed")]
    public void OptimizedImplementation_Passes(string law) =>
        Assert.Equal(Verdict.Pass, RunAgainst(law, new OptimizedImplementation(), 3).Verdict);
}
