namespace Xsave.Gate.Mutation;

/// <summary>The result of a mutants run, from which the table and the JSON are made.</summary>
public sealed record MutationReport(
    DateTimeOffset Started,
    TimeSpan Elapsed,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<MutantResult> Mutants,
    bool Cancelled)
{
    public int Caught => Mutants.Count(m => m.Caught);

    public bool AllCaught => Mutants.Count > 0 && Caught == Mutants.Count;
}
