using Xsave.Contract.Implementations;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>One law run against a mutant with a fixed seed, its outcome logged: what every mutant test starts from.</summary>
internal static class MutantRun
{
    public static PropertyOutcome Of(ITestOutputHelper output, string law, IXstateImplementation subject, ulong seed = 5, int maxTests = 300)
    {
        var outcome = PropertyRunner.Run(Catalog.Find(law)!, CatalogTests.Context() with { Subject = subject }, new RunBudget(maxTests, seed));
        output.WriteLine(outcome.Describe());
        return outcome;
    }

    /// <summary>The law catches the mutant; the shrunk kernel scenario.</summary>
    public static KernelScenario Caught(ITestOutputHelper output, IXstateImplementation mutant, string law, int maxTests = 300)
    {
        var outcome = Of(output, law, mutant, maxTests: maxTests);
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        return Assert.IsType<KernelScenario>(Assert.Single(outcome.Shrunk!));
    }
}
