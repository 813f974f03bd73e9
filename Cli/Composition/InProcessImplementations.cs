using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Oracle;

namespace Xsave.Cli.Composition;

/// <summary>
/// The implementations that live in this process: the optimized one (the default subject), the oracle (the
/// reference; checking it against itself is a sanity run), and every mutant of <see cref="MutantCatalog"/>, each
/// wrapping a fresh optimized implementation.
/// </summary>
public sealed class InProcessImplementations : IImplementationProvider
{
    private static readonly (string Name, Func<IXstateImplementation> Create)[] Fixed =
    [
        (OptimizedImplementation.ImplementationName, () => new OptimizedImplementation()),
        (OracleImplementation.ImplementationName, () => new OracleImplementation()),
    ];

    public IReadOnlyList<ImplementationInfo> Listed { get; } =
        Fixed.Select(f => f.Create()).Concat(MutantCatalog.All(new OptimizedImplementation()))
            .Select(i => new ImplementationInfo(i.Name, i.Description)).ToList();

    public ImplementationLookup? TryResolve(string name)
    {
        foreach (var (fixedName, create) in Fixed)
            if (fixedName == name) return ImplementationLookup.Found(create());
        var mutant = MutantCatalog.All(new OptimizedImplementation()).FirstOrDefault(m => m.Name == name);
        return mutant is null ? null : ImplementationLookup.Found(mutant);
    }
}
