using Xsave.Gate.Regressions;
using Xsave.Gate.Selection;

namespace Xsave.Gate.Running;

public enum GateVerdict
{
    Passed,
    Failed,
    /// <summary>Not run: the implementation lacks the contract part, the time budget ran out, or the run was cancelled. Never a pass.</summary>
    Skipped,
}

/// <summary>How a failure was found and how to find it again.</summary>
public sealed record FailureDetails(
    string InputText,
    string? OriginalText,
    string? Message,
    ulong PropertySeed,
    int Round,
    int Shrinks,
    ReplayTriple? Replay);

/// <summary>The result of one property in a check run.</summary>
public sealed record PropertyReport(
    string Name,
    IReadOnlyList<string> Rules,
    GateVerdict Verdict,
    int Cases,
    TimeSpan Elapsed,
    string? Reason = null,
    SaveOutcome? Regression = null,
    FailureDetails? Failure = null);

/// <summary>The immutable summary of a check run, from which every output (table, JSON, JUnit) is made.</summary>
public sealed record CheckReport(
    string Implementation,
    ulong Seed,
    ShardSpec Shard,
    int? MaxTests,
    TimeSpan? TimeBudget,
    DateTimeOffset Started,
    TimeSpan Elapsed,
    bool Cancelled,
    IReadOnlyList<PropertyReport> Properties)
{
    public int Passed => Properties.Count(p => p.Verdict == GateVerdict.Passed);
    public int Failed => Properties.Count(p => p.Verdict == GateVerdict.Failed);
    public int Skipped => Properties.Count(p => p.Verdict == GateVerdict.Skipped);

    /// <summary>Regression files this run wrote or found already known.</summary>
    public IEnumerable<SaveOutcome> Regressions => Properties.Select(p => p.Regression).OfType<SaveOutcome>();
}
