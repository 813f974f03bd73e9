using Xsave.Properties;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// The runner's catalogue: the suite's properties (<see cref="Catalog.All"/>) and the fuzz family after them. Inside a
/// fuzz case (which runs the runner again, in process) it is the suite alone, so a nested 'check' can never run the
/// fuzz family again.
/// </summary>
public static class FuzzCatalog
{
    private static readonly IReadOnlyList<ConformanceProperty> WithFuzz = [.. Catalog.All, .. FuzzLaws.All];

    private static readonly AsyncLocal<bool> InsideCase = new();

    public static IReadOnlyList<ConformanceProperty> All => InsideCase.Value ? Catalog.All : WithFuzz;

    /// <summary>Marks the current flow (and the tasks it starts) as running a fuzz case.</summary>
    public static void EnterCase() => InsideCase.Value = true;
}
