using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Scenarios.Model;
using Xsave.Scenarios.Parsing;
using Xsave.Scenarios.Running;

namespace Xsave.Scenarios;

/// <summary>
/// The entry point the runner and the tests use: find the scenario files under the given paths, read each (a malformed
/// file becomes a failing result with its error; the others still run), and run them on the reference and an
/// implementation. The caller (the composition root) says what the reference is.
/// </summary>
public sealed class ScenarioSuite(CpuCorpus corpus, Func<IXstateImplementation> reference)
{
    private readonly Lazy<IReadOnlyDictionary<string, CpuModel>> _cpus = new(() =>
        corpus.Profiles.ToDictionary(p => p.Id, p => p.ToCpuModel(), StringComparer.Ordinal));

    /// <summary>The CPU corpus the scenarios name their CPUs from; the runner reports its <see cref="CpuCorpus.Problems"/>.</summary>
    public CpuCorpus Corpus => corpus;

    public ScenarioParser Parser => new(Cpu);

    /// <summary>The corpus CPU with this id, or null.</summary>
    public CpuModel? Cpu(string id) => _cpus.Value.TryGetValue(id, out var m) ? m : null;

    /// <summary>Every .yaml/.yml file under <paramref name="paths"/> (files as given, directories recursively), sorted;
    /// paths that do not exist are returned as errors.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (var p in paths)
        {
            var full = Path.GetFullPath(p);
            if (Directory.Exists(full))
                files.AddRange(Directory.EnumerateFiles(full, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            else if (File.Exists(full)) files.Add(full);
            else missing.Add(p);
        }
        return (files.Distinct().ToList(), missing);
    }

    public ScenarioResult RunFile(string file, Func<IXstateImplementation> subject)
    {
        string? missed = null;
        var parsed = new ScenarioParser(id => Cpu(id) ?? Missed(id)).ParseFile(file);
        if (parsed.Scenario is null) return ScenarioRunner.Malformed(BrokenCpu(parsed.Error!, missed) ?? parsed.Error!);
        return new ScenarioRunner(reference, subject).Run(parsed.Scenario);

        CpuModel? Missed(string id)
        {
            missed = id;
            return null;
        }
    }

    /// <summary>A scenario naming a CPU whose corpus file did not load says so, not "no such profile".</summary>
    private ScenarioError? BrokenCpu(ScenarioError error, string? missedId) =>
        missedId is not null && corpus.LoadError(missedId) is { } broken
            ? error with { Message = $"cpu '{missedId}': its profile file did not load: {broken}" }
            : null;

    public IReadOnlyList<ScenarioResult> Run(IEnumerable<string> files, Func<IXstateImplementation> subject) =>
        files.Select(f => RunFile(f, subject)).ToList();
}
