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

    /// <summary>Every .yaml/.yml file under <paramref name="paths"/> (see <see cref="ScenarioFiles"/>); paths that do not
    /// exist are returned as errors.</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths) =>
        ScenarioFiles.Expand(paths);

    public ScenarioResult RunFile(string file, Func<IXstateImplementation> subject)
    {
        try
        {
            return RunOne(file, subject);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One file's failure never ends the run: it is this file's error, and the others still run.
            return ScenarioRunner.Malformed(new ScenarioError(file, 0, 0, $"could not be run: {e.GetType().Name}: {e.Message.Split('\n')[0]}"));
        }
    }

    private ScenarioResult RunOne(string file, Func<IXstateImplementation> subject)
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
