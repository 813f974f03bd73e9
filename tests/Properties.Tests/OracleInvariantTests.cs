using Xsave.Oracle;
using Xsave.Properties.Running;
using Xunit.Abstractions;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Tests;

/// <summary>
/// The invariants hold on the oracle too (SPEC part D is stated over both): every invariant and metamorphic law run
/// with the oracle as the implementation. A failure here is a bug in the oracle or in the law.
/// </summary>
public class OracleInvariantTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var p in Catalog.All.Where(p => p.Kind != LawKind.Differential)) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void HoldsOnTheOracle(string name)
    {
        var ctx = CatalogTests.Context() with { Subject = new OracleImplementation() };
        var outcome = PropertyRunner.Run(Catalog.Find(name)!, ctx, new RunBudget(100, Seed: 11));
        output.WriteLine(outcome.Describe());
        Assert.True(outcome.Verdict == Verdict.Pass, outcome.Describe());
    }
}
