using Xsave.Properties.Comparison;
using Xsave.Contract.Implementations;
using Xsave.Oracle;
using Xsave.Optimized;
using Xsave.Scenarios.Running;

namespace Xsave.Scenarios.Tests;

/// <summary>Each scenario file is a test case: its written expectations hold and the two implementations agree.</summary>
public class CorpusScenarioTests
{
    [Theory]
    [MemberData(nameof(ScenarioCorpus.All), MemberType = typeof(ScenarioCorpus))]
    public void Scenario_PassesOnOracle(string file)
    {
        var result = ScenarioCorpus.Suite.RunFile(Path.Combine(ScenarioCorpus.Directory, file), () => new OracleImplementation());
        Assert.True(result.Verdict == Verdict.Pass, ScenarioCorpus.Explain(result));
    }

    [Theory]
    [MemberData(nameof(ScenarioCorpus.SupportedByOptimized), MemberType = typeof(ScenarioCorpus))]
    public void Scenario_PassesOnOptimized(string file)
    {
        var result = ScenarioCorpus.Suite.RunFile(Path.Combine(ScenarioCorpus.Directory, file), () => new OptimizedImplementation());
        Assert.True(result.Verdict == Verdict.Pass, ScenarioCorpus.Explain(result));
    }

    [Fact]
    public void Corpus_HasAtLeast60Scenarios_EachNamingItsSource()
    {
        var files = ScenarioCorpus.Files;
        Assert.True(files.Count >= 60, $"{files.Count} scenario files");
        foreach (var f in files)
            Assert.False(string.IsNullOrWhiteSpace(Parsing.ScenarioParser.SourceOf(File.ReadAllText(f))), $"{Path.GetFileName(f)} has no '# source:' header");
    }
}
