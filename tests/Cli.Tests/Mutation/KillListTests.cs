using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Contract.Cpus;
using Xsave.Gate.Mutation;
using Xsave.Cli.Tests.Support;
using Xsave.TestSupport;

namespace Xsave.Cli.Tests.Mutation;

/// <summary>
/// The kill list (issue 16): at least 25 mutants, each with an id, a one-line description and the source of its fix;
/// and the default gate catches every one of them with the default run seed. The full measure over 20 seeds is
/// `./run-conformance.sh mutants` (BENCHMARKS.md); here one seed keeps `dotnet test` quick.
/// </summary>
public class KillListTests
{
    [Fact]
    public void The_kill_list_has_at_least_25_mutants_each_named_described_and_sourced()
    {
        var all = MutantSpecs.All();

        Assert.True(all.Count >= 25, $"{all.Count} mutants");
        Assert.Equal(all.Count, all.Select(m => m.Id).Distinct().Count());
        Assert.All(all, m =>
        {
            Assert.StartsWith("mutant:", m.Id, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(m.Description));
            Assert.False(string.IsNullOrWhiteSpace(m.Source));
        });
    }

    [Fact]
    public void The_default_gate_catches_every_mutant_with_the_default_seed()
    {
        var corpus = CpuCorpus.Load(Corpus.CpusDirectory).Clean.Select(p => p.ToCpuModel()).ToList();
        using var directory = new TempDirectory();
        var runner = new MutationRunner(FuzzCatalog.All, corpus, ImplementationRegistry.Reference, directory.Path);

        var report = runner.Run(MutantSpecs.All(), [1], Environment.ProcessorCount);

        var missed = report.Mutants.Where(m => !m.Caught).Select(m => m.Mutant.Id).ToList();
        Assert.True(missed.Count == 0, "not caught with seed 1: " + string.Join(", ", missed));
    }

    [Fact]
    public void Every_historical_bug_is_put_back_by_a_mutant_or_its_absence_is_explained()
    {
        var mutants = MutantSpecs.All();
        var missing = new List<string>();
        for (int n = 1; n <= 25; n++)
        {
            string id = $"H{n}";
            var named = mutants.Where(m => System.Text.RegularExpressions.Regex.IsMatch(m.Description, $@"\b{id}\b")).Select(m => m.Id).ToList();
            bool explained = Xsave.Mutants.UnexpressedHistoricalBugs.All.ContainsKey(id);
            if (named.Count == 0 && !explained) missing.Add($"{id}: no mutant names it and no reason is given");
            if (named.Count > 0 && explained) missing.Add($"{id}: named by {string.Join(", ", named)} and also listed as unexpressed");
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }
}
