using Xsave.Properties.Comparison;
using Xsave.Properties.Running;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// Issue 16: every law declares the branches it exists for, and the default budget reaches each of them on the
/// optimized implementation within the declared vacuous bound. The expected values are the declarations themselves:
/// a branch the generators cannot reach in 100 cases fails here, naming the law, the branch and the counts.
/// </summary>
public class DeclaredBranchesTests(ITestOutputHelper output)
{
    /// <summary>Run seeds besides the gate's default (1): the declarations must hold on any seed, not on one.</summary>
    private static readonly ulong[] Seeds = [7, 1_000_003, 0xC0FFEE];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var p in Catalog.All) data.Add(p.Name);
        return data;
    }

    [Fact]
    public void Every_catalogued_law_declares_its_branches()
    {
        var undeclared = Catalog.All.Where(p => p.Coverage is null).Select(p => p.Name).ToList();
        Assert.True(undeclared.Count == 0, $"laws that declare no branches: {string.Join(", ", undeclared)}");
    }

    [Fact]
    public void Every_declaration_names_a_branch_and_a_bound_in_range()
    {
        var bad = Catalog.All.Where(p => p.Coverage is { } c &&
                (c.Branches.Count == 0 || c.Branches.Any(string.IsNullOrWhiteSpace) || c.Branches.Contains(LawCoverage.Vacuous)
                 || c.Branches.Distinct().Count() != c.Branches.Count || c.MaxVacuousShare is < 0 or >= 1))
            .Select(p => p.Name).ToList();
        Assert.True(bad.Count == 0, $"declarations without a branch, with 'vacuous' as a branch, a repeated branch or a bound outside [0, 1): {string.Join(", ", bad)}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_default_budget_reaches_every_declared_branch(string name)
    {
        var property = Catalog.Find(name)!;
        var coverage = property.Coverage;
        Assert.True(coverage is not null, $"{name} declares no branches");
        foreach (var seed in Seeds)
        {
            var outcome = PropertyRunner.Run(property, CatalogTests.Context(), new RunBudget(LawCoverage.MinimumCases, seed));
            var counts = outcome.Branches ?? new Dictionary<string, int>();
            output.WriteLine($"seed {seed}: {string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}");
            Assert.True(outcome.Verdict == Verdict.Pass, outcome.Describe());
            Assert.True(coverage!.Shortfall(counts, outcome.Cases) is null,
                $"{name}, seed {seed}: {coverage.Shortfall(counts, outcome.Cases)}");
        }
    }
}
