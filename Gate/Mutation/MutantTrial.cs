using Xsave.Properties.Running;

namespace Xsave.Gate.Mutation;

/// <summary>
/// One default gate run (100 cases per property, stopping at the first failure) against one mutant with one run seed.
/// </summary>
/// <param name="Caught">A property failed: the gate would have refused the mutant.</param>
/// <param name="Property">The property that failed first, when caught.</param>
/// <param name="Cases">Cases checked up to and including the failure (every case of the run when not caught).</param>
/// <param name="Elapsed">Wall time up to the failure, its shrinking included (the whole run when not caught).</param>
/// <param name="Size">The shrunk counterexample's size, when the failing law had a single input.</param>
/// <param name="HarnessError">The failure was the mutant throwing or hanging, not a wrong answer.</param>
public sealed record MutantTrial(
    ulong Seed,
    bool Caught,
    string? Property,
    int Cases,
    TimeSpan Elapsed,
    CounterexampleSize? Size,
    bool HarnessError = false);
