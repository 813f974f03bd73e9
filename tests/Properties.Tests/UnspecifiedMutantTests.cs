using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// SPEC R20a in both directions at the level of the laws: an XSAVEOPT that skips in-use components without the XRSTOR
/// it must correspond to is caught; a CPU that uses the modified optimization where the SDM allows it is not.
/// </summary>
public class UnspecifiedMutantTests(ITestOutputHelper output)
{
    private PropertyOutcome RunAgainst(IXstateImplementation subject, string property, ulong seed)
    {
        var outcome = PropertyRunner.Run(Catalog.Find(property)!, CatalogTests.Context() with { Subject = subject }, new RunBudget(500, seed));
        output.WriteLine(outcome.Describe());
        return outcome;
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(7UL)]
    public void XsaveoptSkipsWithoutRestore_IsCaughtByTheDifferentialLaw(ulong seed)
    {
        var outcome = RunAgainst(new XsaveoptSkipsWithoutRestore(new OptimizedImplementation()), "instructions.xsave-family.differential", seed);
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        var shrunk = Assert.IsType<InstructionCase>(Assert.Single(outcome.Shrunk!));
        Assert.Equal(XsaveInstruction.Xsaveopt, Assert.IsType<XsaveFamilyOp>(shrunk.Operation).Instruction);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(7UL)]
    public void TheOtherAllowedValues_PassTheComparisonLaw(ulong seed) =>
        Assert.Equal(Verdict.Pass, RunAgainst(new OptimizedImplementation(), "instructions.unspecified.other-allowed-values", seed).Verdict);

    [Fact]
    public void AfterXrstorFromTheSameArea_ACpuThatSkipsPasses_TheMutantWithoutOneFails()
    {
        // SDM XSAVEOPT + 13.8.3, KO §5c: XRSTOR(B); XSAVEOPT(B') at the same address may leave B' as it was.
        var cpu = TestSupport.ObservedHost.Zen5();
        var oracle = new Xsave.Oracle.OracleImplementation().Architecture(cpu);
        var start = TestSupport.ObservedHost.UserState(cpu).WithComponent(XFeature.Ymm, Enumerable.Repeat((byte)0x5a, 256).ToArray());
        var image = oracle.Execute(start, new XsaveFamilyOp(XsaveInstruction.Xsave, new FeatureMask(7), XsaveBuffer.Zeroed(4096))).Buffer!;
        var restored = oracle.Execute(start, new XsaveFamilyOp(XsaveInstruction.Xrstor, new FeatureMask(7), image)).State;
        var save = new XsaveFamilyOp(XsaveInstruction.Xsaveopt, new FeatureMask(7), XsaveBuffer.Zeroed(4096));

        var want = oracle.Execute(restored, save);
        var mutant = new XsaveoptSkipsWithoutRestore(new OptimizedImplementation()).Architecture(cpu);
        Assert.Empty(want.Differences(mutant.Execute(restored, save)));      // here skipping is allowed
        Assert.NotEmpty(oracle.Execute(start, save).Differences(mutant.Execute(start, save))); // no XRSTOR before: it is not
    }
}
