using Xsave.Gate.Mutation;
using Xsave.Gate.Selection;
using Xsave.Mutants;
using Xsave.Optimized;

namespace Xsave.Cli.Composition;

/// <summary>The kill list as the mutants verb runs it: every mutant of <see cref="MutantCatalog"/> on the optimized implementation.</summary>
public static class MutantSpecs
{
    public static IReadOnlyList<MutantSpec> All()
    {
        var listed = MutantCatalog.All(new OptimizedImplementation());
        return listed.Select((m, i) => new MutantSpec(m.Name, m.Description, m.Source,
            () => MutantCatalog.All(new OptimizedImplementation())[i])).ToList();
    }

    /// <summary>The mutants matching any glob (all when none is given); <paramref name="error"/> names a glob that matches none.</summary>
    public static IReadOnlyList<MutantSpec> Select(IReadOnlyList<string> globs, out string? error)
    {
        error = null;
        var all = All();
        var patterns = globs.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(g => g.StartsWith("mutant:", StringComparison.Ordinal) ? g : "mutant:" + g).ToList();
        if (patterns.Count == 0) return all;
        foreach (var pattern in patterns.Where(p => !all.Any(m => PropertyFilter.Matches(p, m.Id))))
        {
            error = $"--mutant {pattern}: no such mutant (known: {string.Join(", ", all.Select(m => m.Id))})";
            return [];
        }
        return all.Where(m => patterns.Any(p => PropertyFilter.Matches(p, m.Id))).ToList();
    }
}
