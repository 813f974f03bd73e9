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
}
