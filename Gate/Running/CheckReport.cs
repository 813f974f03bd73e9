using Xsave.Gate.Regressions;
using Xsave.Gate.Selection;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Running;

/// <summary>How a failure was found and how to find it again.</summary>
public sealed record FailureDetails(
    string InputText,
    string? OriginalText,
    string? Message,
    ulong PropertySeed,
    int Round,
    int Shrinks,
    ReplayTriple? Replay,
    string? Stack = null,
    Properties.Running.CounterexampleSize? Size = null);

/// <summary>The result of one property in a check run.</summary>
public sealed record PropertyReport(
    string Name,
    IReadOnlyList<string> Rules,
    Verdict Verdict,
    int Cases,
    TimeSpan Elapsed,
    string? Reason = null,
    SaveOutcome? Regression = null,
    FailureDetails? Failure = null,
    IReadOnlyDictionary<string, int>? Branches = null,
    Expectations.ExpectationOutcome? Expectation = null)
{
    /// <summary>A divergence the expected-failure table explains (a known finding): it does not fail the run.</summary>
    public bool IsExpectedFailure => Verdict == Verdict.Diverge && Expectation is { Status: Expectations.ExpectationStatus.StillFails };

    /// <summary>Whether this result fails the run: a divergence or harness error that is not an expected failure.</summary>
    public bool FailsRun => Verdict.Fails() && !IsExpectedFailure;
}

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
    public int Passed => Properties.Count(p => p.Verdict == Verdict.Pass);
    /// <summary>Properties that diverged or could not be checked (harness errors): both fail the run. An expected failure (a known finding, <see cref="Expectations.ExpectedFailures"/>) is counted apart.</summary>
    public int Failed => Properties.Count(p => p.FailsRun);
    public int ExpectedFailures => Properties.Count(p => p.IsExpectedFailure);
    /// <summary>Properties with a recorded finding that passed this run ("fixed?").</summary>
    public int PossiblyFixed => Properties.Count(p => p.Expectation is { Status: Expectations.ExpectationStatus.NotSeen });
    public int Errors => Properties.Count(p => p.Verdict == Verdict.HarnessError);
    public int Skipped => Properties.Count(p => p.Verdict == Verdict.NotApplicable);

    /// <summary>Regression files this run wrote or found already known.</summary>
    public IEnumerable<SaveOutcome> Regressions => Properties.Select(p => p.Regression).OfType<SaveOutcome>();
}
