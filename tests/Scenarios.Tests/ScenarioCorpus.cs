using System.Reflection;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Scenarios.Running;

namespace Xsave.Scenarios.Tests;

/// <summary>The repository's scenario corpus and CPU corpus, found from the root baked in at build time.</summary>
public static class ScenarioCorpus
{
    public static string Root { get; } = typeof(ScenarioCorpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    public static string Directory => Path.Combine(Root, "corpus", "scenarios");

    public static ScenarioSuite Suite { get; } = new(CpuCorpus.Load(Path.Combine(Root, "corpus", "cpus")), () => new Oracle.OracleImplementation());

    public static IReadOnlyList<string> Files => ScenarioSuite.Expand([Directory]).Files;

    /// <summary>One row per file, named by the file (what the test explorer shows).</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var f in Files) data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>The files whose every contract part the optimized implementation declares. The others are not run
    /// against it (and not counted as passes); the scenario verb reports them as skipped.</summary>
    public static TheoryData<string> SupportedByOptimized()
    {
        var data = new TheoryData<string>();
        var parts = new Optimized.OptimizedImplementation().Capabilities.Parts;
        foreach (var f in Files)
        {
            var parsed = Suite.Parser.ParseFile(f);
            if (parsed.Scenario is null || (parsed.Scenario.Needs & ~parts) == ContractPart.None) data.Add(Path.GetFileName(f));
        }
        return data;
    }

    public static string Explain(ScenarioResult r) =>
        r.Error ?? string.Join("\n", r.Failures.Select(s => $"step {s.Index} (line {s.Line}) {s.Op}: {s.Reason}"));
}
