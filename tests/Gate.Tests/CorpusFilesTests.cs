using Xsave.Cli.Composition;
using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;
using Xsave.TestSupport;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>
/// The committed corpus/regressions files are real: each was found in a mutant, is named by its content, still fails
/// against that mutant, and passes against the optimized implementation (the Regressions project checks that last part for
/// every file as its own test case).
/// </summary>
public class CorpusFilesTests
{
    private static string Directory => Path.Combine(Corpus.RepositoryRoot, "corpus", "regressions");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in new RegressionStore(Directory).Files()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Corpus_IsNotEmpty() => Assert.NotEmpty(new RegressionStore(Directory).Files());

    [Theory]
    [MemberData(nameof(Files))]
    public void CorpusFile_FailsAsRecordedAgainstItsMutant(string file)
    {
        var loaded = Gates.Load(Path.Combine(Directory, file));
        Assert.StartsWith(loaded.Property.Name + "-", file);
        Assert.Equal(RegressionStore.FileNameFor(loaded.Record.Property, loaded.Record.Input), file);
        var mutant = loaded.Record.Implementation!;
        Assert.StartsWith("mutant:", mutant);
        Assert.Null(ImplementationRegistry.Default.Resolve(mutant).Error);

        // Fails against its mutant. Not asserted: the very same answer, since an answer may carry wording (rejection
        // reasons) that the implementation is free to change; replay reports that difference instead.
        var replay = RegressionReplayer.Replay(loaded, Gates.Context(mutant));
        Assert.Equal(Verdict.Diverge, replay.Verdict);
        Assert.Equal(Verdict.Pass, RegressionReplayer.Replay(loaded, Gates.Context("optimized")).Verdict);
    }
}
