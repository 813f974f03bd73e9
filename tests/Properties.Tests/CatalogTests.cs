using Xsave.Oracle;
using Xsave.Optimized;
using Xsave.Properties.Running;
using Xsave.TestSupport;
using Xunit.Abstractions;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Tests;

/// <summary>
/// One test case per property of the catalogue, against the optimized implementation with the oracle as reference.
/// A failure reports the seed, the original and the shrunk case. PBT_MAX_TEST raises the budget from CI.
/// </summary>
public class CatalogTests(ITestOutputHelper output)
{
    private static readonly int MaxTests = int.TryParse(Environment.GetEnvironmentVariable("PBT_MAX_TEST"), out var n) ? n : 200;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var p in Catalog.All) data.Add(p.Name);
        return data;
    }

    internal static PropertyContext Context() =>
        new(new OptimizedImplementation(), new OracleImplementation(), Corpus.Profiles.Where(p => p.Clean).Select(p => p.ToCpuModel()).ToList());

    [Theory]
    [MemberData(nameof(Names))]
    public void Property(string name)
    {
        var property = Catalog.Find(name)!;
        var outcome = PropertyRunner.Run(property, Context(), new RunBudget(MaxTests));
        output.WriteLine(outcome.Describe());
        Assert.True(outcome.Verdict == Verdict.Pass, outcome.Describe());
    }

    [Fact]
    public void Catalog_NamesAreUniqueAndEveryPropertyCitesRules()
    {
        Assert.Equal(Catalog.All.Count, Catalog.All.Select(p => p.Name).Distinct().Count());
        Assert.All(Catalog.All, p => Assert.NotEmpty(p.Rules));
        Assert.All(Catalog.All, p => Assert.Matches(@"^[a-z0-9.\-]+$", p.Name));
    }
}

