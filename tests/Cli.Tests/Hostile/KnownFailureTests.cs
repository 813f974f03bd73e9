using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 item 16, the README's own example: checking the H13 mutant next to the shipped regression file of that bug
/// finds it again as known (whatever input shrinking lands on): still one file for layout.sizes.differential.
/// </summary>
public class KnownFailureTests
{
    [Fact]
    public void ReadmeMutantExample_NextToTheShippedFile_IsKnown_OneFile()
    {
        using var dir = new TempDirectory();
        var shipped = Path.Combine(RawCorpus.RepositoryRoot, "corpus", "regressions", "layout.sizes.differential-ca2e74942c.json");
        File.Copy(shipped, Path.Combine(dir.Path, Path.GetFileName(shipped)));

        var run = CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.sizes.differential", "--regressions", dir.Path);

        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var file = Assert.Single(Directory.GetFiles(dir.Path, "layout.sizes.differential-*.json"));
        Assert.Contains($"{Path.GetFileName(file)} (", run.Stdout);
        Assert.Matches(@"\((already known|new)\)", run.Stdout);
    }
}
