using Xsave.Cli.Tests.Support;
using Xsave.Mutants;
using Xsave.Optimized;

namespace Xsave.Cli.Tests.Protocol;

/// <summary>
/// The protocol changes nothing: an implementation checked through 'serve' in a child process gets the same verdict
/// on every property, after the same number of cases (same seeds), as in process — the optimized one passing
/// everything, every mutant failing what it fails in process. The in-process run is the expectation.
/// </summary>
public class ServeEquivalenceTests
{
    public static TheoryData<string> Mutants() => new(MutantCatalog.All(new OptimizedImplementation()).Select(m => m.Name));

    [Fact]
    public void Optimized_ThroughServe_PassesExactlyWhatItPassesInProcess()
    {
        var inProcess = Verdicts("optimized");
        var throughProtocol = Verdicts(Serve.Impl("optimized"));
        Assert.Equal(inProcess, throughProtocol);
        Assert.All(inProcess, p => Assert.Equal("passed", p.Value.Result));
    }

    [Theory]
    [MemberData(nameof(Mutants))]
    public void Mutant_ThroughServe_FailsExactlyWhatItFailsInProcess(string mutant)
    {
        // More cases than for the optimized run: some mutants (e.g. XSAVEOPT skipping without its XRSTOR, R20a) need a
        // few hundred generated cases to meet their bug.
        // Up to the first failure (--fail-fast, as the mutants verb runs): the same property must fail first, after the
        // same cases, and every property before it pass the same way.
        var inProcess = Verdicts(mutant, MutantCases, failFast: true);
        var throughProtocol = Verdicts(Serve.Impl(mutant), MutantCases, failFast: true);
        Assert.Equal(inProcess, throughProtocol);
        Assert.Contains(inProcess, p => p.Value.Result == "failed");
    }

    [Fact]
    public void Scenarios_ThroughServe_GiveTheSameReportAsInProcess()
    {
        var inProcess = CliRun.Of("scenario", "--json");
        var throughProtocol = CliRun.Of("scenario", "--impl", Serve.Impl("optimized"), "--json");
        Assert.Equal(ExitCodes.Ok, inProcess.ExitCode);
        Assert.True(throughProtocol.ExitCode == ExitCodes.Ok, throughProtocol.Stderr);
        Assert.Equal(inProcess.Stdout, throughProtocol.Stdout);
    }

    private const int MutantCases = 200;

    /// <summary>Every property family that asks the implementation something (fuzz.* checks the runner's own input layers).</summary>
    private const string ConformanceFamilies = "layout.*,registers.*,instructions.*,kernel.*";

    /// <summary>Each property's result and case count from 'check --json' (small budget: this runs the whole catalogue).</summary>
    private static SortedDictionary<string, (string Result, int Cases)> Verdicts(string implementation, int maxTests = 25, bool failFast = false)
    {
        using var dir = new TempDirectory();
        string[] args = ["check", "--impl", implementation, "--max-tests", maxTests.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--property", ConformanceFamilies, "--json", "--regressions", dir.Path];
        var run = CliRun.Of(failFast ? [.. args, "--fail-fast"] : args);
        Assert.True(run.ExitCode is ExitCodes.Ok or ExitCodes.CheckFailed, $"exit {run.ExitCode}: {run.Stderr}");
        return new(GateFiles.Properties(run.Json()).ToDictionary(p => p.Key,
            p => (p.Value.GetProperty("result").GetString()!, p.Value.GetProperty("cases").GetInt32())));
    }
}
