using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Mutation;

/// <summary>check --json carries each law's branch counts (issue 16), and the JUnit report has them in the testcase's output.</summary>
public class BranchCountsJsonTests
{
    [Fact]
    public void Check_json_reports_the_declared_branches_of_a_law_with_their_counts()
    {
        using var directory = new TempDirectory();
        var junit = Path.Combine(directory.Path, "junit.xml");
        var run = CliRun.Of("check", "--property", "layout.compacted.append-invariance", "--json", "--junit", junit,
            "--regressions", directory.Path);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var law = run.Json().GetProperty("properties")[0];
        var branches = law.GetProperty("branches");
        int appended = branches.GetProperty("appended").GetInt32();
        int vacuous = branches.TryGetProperty("vacuous", out var v) ? v.GetInt32() : 0;
        Assert.Equal(law.GetProperty("cases").GetInt32(), appended + vacuous);
        Assert.True(appended > 0);
        Assert.Contains($"appended={appended}", File.ReadAllText(junit), StringComparison.Ordinal);
    }
}
