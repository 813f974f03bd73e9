using Xsave.Contract.Implementations;

namespace Xsave.Gate.Mutation;

/// <summary>
/// A mutant as the gate sees it: its id, the bug in one line, where the historical fix is (or which kind of mistake it
/// stands for), and how to make a fresh instance — one per trial, because trials run in parallel.
/// </summary>
public sealed record MutantSpec(string Id, string Description, string Source, Func<IXstateImplementation> Create);
