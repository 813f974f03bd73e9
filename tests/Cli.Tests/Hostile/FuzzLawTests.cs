using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Tests.Support;
using Xsave.Properties;
using Xsave.Properties.Comparison;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// The fuzz family (issue 15) in CI: every input layer, bounded by case count (a few seconds each on 2 cores), with a
/// fixed seed so a red run is red again. The same laws run under 'check' as fuzz.*, with the run's own seeds.
/// </summary>
public class FuzzLawTests(ITestOutputHelper output)
{
    /// <summary>Cases per law here (about 2-5 s each on 2 busy cores); 'check' runs as many as its budget gives.</summary>
    public static readonly IReadOnlyDictionary<string, int> Cases = new Dictionary<string, int>
    {
        ["fuzz.profile.runner"] = 300,
        ["fuzz.profile.layouts"] = 300,
        ["fuzz.scenario.runner"] = 60,
        ["fuzz.regression.replay"] = 100,
        ["fuzz.regression.explain"] = 150,
        ["fuzz.cli.options"] = 120,
    };

    public static TheoryData<string> Laws()
    {
        var data = new TheoryData<string>();
        foreach (var law in FuzzLaws.All) data.Add(law.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Laws))]
    public void FuzzLaw_Holds_OnTheOptimizedImplementation(string name)
    {
        var law = FuzzLaws.All.Single(p => p.Name == name);
        Assert.True(GateComposition.TryCreateContext(ImplementationRegistry.Default, "optimized", RawCorpus.CpusDirectory, out var context, out var error), error?.ToString());
        var outcome = PropertyRunner.Run(law, context!, new RunBudget(Cases[name], Seed: 15));
        output.WriteLine($"{name}: {outcome.Verdict}, {outcome.Cases} cases, {outcome.Elapsed.TotalSeconds:0.0} s");
        Assert.True(outcome.Verdict == Verdict.Pass, $"{outcome.Reason}\n{outcome.Message}\nshrunk: {string.Join(" ", outcome.Shrunk ?? [])}");
    }

    [Fact]
    public void FuzzFamily_IsInTheRunnersCatalogue_AfterTheSuite()
    {
        Assert.Equal(Catalog.All.Concat(FuzzLaws.All).Select(p => p.Name), FuzzCatalog.All.Select(p => p.Name));
        Assert.All(FuzzLaws.All, p => Assert.StartsWith("fuzz.", p.Name));
    }
}
