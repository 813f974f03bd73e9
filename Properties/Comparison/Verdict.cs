namespace Xsave.Properties.Comparison;

/// <summary>
/// The one verdict of every comparison the suite makes — a property in the gate, a replayed regression file, a
/// scenario and each of its steps.
/// </summary>
public enum Verdict
{
    /// <summary>The implementation answered as the spec (the oracle, the invariant, the written expectation) says.</summary>
    Pass,
    /// <summary>It answered differently: a conformance failure, with the counterexample.</summary>
    Diverge,
    /// <summary>Not checked, with the reason: the implementation lacks the contract part, the time ran out, the run was
    /// cancelled. Never counted as a pass.</summary>
    NotApplicable,
    /// <summary>The check itself could not be made: an implementation (or the oracle) threw, a generator gave up, an
    /// input could not be built. Never counted as an agreement, even when both sides fail alike.</summary>
    HarnessError,
}

public static class Verdicts
{
    /// <summary>Whether the verdict fails a run (divergences and harness errors do; skips do not).</summary>
    public static bool Fails(this Verdict verdict) => verdict is Verdict.Diverge or Verdict.HarnessError;

    /// <summary>The word the runner's tables and JSON use for a property or a replayed file: passed, failed (a
    /// divergence), skipped (not applicable), error (a harness error).</summary>
    public static string Result(this Verdict verdict) => verdict switch
    {
        Verdict.Pass => "passed",
        Verdict.Diverge => "failed",
        Verdict.NotApplicable => "skipped",
        Verdict.HarnessError => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };
}
