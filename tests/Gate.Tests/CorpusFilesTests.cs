using Xsave.Cli.Composition;
using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;
using Xsave.TestSupport;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>
/// The committed corpus/regressions files are real: each is named by its content and passes against the optimized
/// implementation (the Regressions project checks that part for every file as its own test case). A file found in a
/// mutant still fails against that mutant; a file the gate found against the optimized implementation itself (a bug
/// since fixed: the file is what keeps it fixed) names that implementation.
/// </summary>
public class CorpusFilesTests
{
    private static string Directory => Path.Combine(Corpus.RepositoryRoot, "corpus", "regressions");

    public static TheoryData<string> MutantFiles() => FilesFoundIn(mutant: true);

    public static TheoryData<string> FixedFiles() => FilesFoundIn(mutant: false);

    private static TheoryData<string> FilesFoundIn(bool mutant)
    {
        var data = new TheoryData<string>();
        foreach (var file in new RegressionStore(Directory).Files())
            if (Gates.Load(file).Record.Implementation?.StartsWith("mutant:", StringComparison.Ordinal) == mutant)
                data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Corpus_IsNotEmpty() => Assert.NotEmpty(new RegressionStore(Directory).Files());

    [Fact]
    public void Every_file_was_found_in_a_mutant_or_in_the_optimized_implementation() =>
        Assert.Equal(new RegressionStore(Directory).Files().Count, MutantFiles().Count + FixedFiles().Count);

    /// <summary>The kill list kept (issue 16): every mutant of the catalogue has a shrunk counterexample here, so a
    /// change that blinds the gate to one of them fails a named test (the one below, for its file).</summary>
    [Fact]
    public void EveryMutant_HasACounterexampleInTheCorpus()
    {
        var kept = new RegressionStore(Directory).Files().Select(f => Gates.Load(f).Record.Implementation).ToHashSet();
        var missing = Mutants.MutantCatalog.All(new Optimized.OptimizedImplementation()).Select(m => m.Name).Where(n => !kept.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "no regression file for " + string.Join(", ", missing) +
            ": `./run-conformance.sh mutants --seeds 1 --mutant NAME --regressions DIR` writes one; commit the smallest");
    }

    [Theory]
    [MemberData(nameof(MutantFiles))]
    public void CorpusFile_FailsAsRecordedAgainstItsMutant(string file)
    {
        var loaded = Gates.Load(Path.Combine(Directory, file));
        Assert.StartsWith(loaded.Property.Name + "-", file);
        Assert.Equal(RegressionStore.FileNameFor(loaded.Record.Property, loaded.Record.Input), file);
        var mutant = loaded.Record.Implementation!;
        Assert.Null(ImplementationRegistry.Default.Resolve(mutant).Error);

        // Fails against its mutant. Not asserted: the very same answer, since an answer may carry wording (rejection
        // reasons) that the implementation is free to change; replay reports that difference instead.
        var replay = RegressionReplayer.Replay(loaded, Gates.Context(mutant));
        Assert.Equal(Verdict.Diverge, replay.Verdict);
        Assert.Equal(Verdict.Pass, RegressionReplayer.Replay(loaded, Gates.Context("optimized")).Verdict);
    }

    [Theory]
    [MemberData(nameof(FixedFiles))]
    public void CorpusFile_FoundInTheImplementation_IsNamedByContent_AndPassesNow(string file)
    {
        var loaded = Gates.Load(Path.Combine(Directory, file));
        Assert.Equal(RegressionStore.FileNameFor(loaded.Record.Property, loaded.Record.Input), file);
        Assert.Equal("optimized", loaded.Record.Implementation);
        Assert.False(string.IsNullOrWhiteSpace(loaded.Record.Failure), "the file records the failure it was found with");
        Assert.Equal(Verdict.Pass, RegressionReplayer.Replay(loaded, Gates.Context("optimized")).Verdict);
    }
}
