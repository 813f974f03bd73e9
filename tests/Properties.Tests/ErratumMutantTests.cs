using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>SPEC R38a: the erratum law passes for the optimized implementation and catches the microcode-blind mutant.</summary>
public class ErratumMutantTests(ITestOutputHelper output)
{
    private const string Law = "kernel.boot.erratum-1386.differential";

    private PropertyOutcome RunAgainst(IXstateImplementation subject, ulong seed)
    {
        var outcome = PropertyRunner.Run(Catalog.Find(Law)!, CatalogTests.Context() with { Subject = subject }, new RunBudget(100, seed));
        output.WriteLine(outcome.Describe());
        return outcome;
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(7UL)]
    public void Erratum1386IgnoresMicrocode_IsCaught(ulong seed) =>
        Assert.Equal(Verdict.Diverge, RunAgainst(new Erratum1386IgnoresMicrocode(new OptimizedImplementation()), seed).Verdict);

    [Fact]
    public void OptimizedImplementation_Passes() =>
        Assert.Equal(Verdict.Pass, RunAgainst(new OptimizedImplementation(), 3).Verdict);
}
