using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'layout' and 'boot' answer through the contract, so two implementations must print the same document for every
/// clean corpus CPU: the optimized implementation's answers are checked against the oracle's, byte for byte. So must
/// 'policies' and 'self-check' over the whole corpus.
/// </summary>
public class ImplementationEqualityTests
{
    /// <summary>The profiles the curator marked clean (read from the files, not through the loader).</summary>
    public static TheoryData<string> CleanIds()
    {
        var data = new TheoryData<string>();
        foreach (var file in RawCorpus.Files)
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (RawCorpus.Profile(id).GetProperty("clean").GetBoolean()) data.Add(id);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CleanIds))]
    public void Layout_OptimizedPrintsExactlyWhatTheOraclePrints(string id) =>
        AssertSameOutput("layout", "--cpu", id, "--json");

    [Theory]
    [MemberData(nameof(CleanIds))]
    public void Boot_OptimizedPrintsExactlyWhatTheOraclePrints_UnderEveryPolicy(string id)
    {
        foreach (var policy in new[] { "merged", "all-tasks", "none" })
            AssertSameOutput("boot", "--cpu", id, "--policy", policy, "--json");
    }

    [Theory]
    [InlineData("policies")]
    [InlineData("self-check")]
    public void CorpusWideVerbs_OptimizedPrintsExactlyWhatTheOraclePrints(string verb) => AssertSameOutput(verb, "--json");

    private static void AssertSameOutput(params string[] args)
    {
        var oracle = CliRun.Of([.. args, "--impl", "oracle"]);
        var optimized = CliRun.Of([.. args, "--impl", "optimized"]);
        Assert.True(oracle.ExitCode == ExitCodes.Ok, oracle.Stderr);
        Assert.Equal(oracle.ExitCode, optimized.ExitCode);
        Assert.Equal(oracle.Stdout, optimized.Stdout);
        Assert.Equal(oracle.Stderr, optimized.Stderr);
    }
}
