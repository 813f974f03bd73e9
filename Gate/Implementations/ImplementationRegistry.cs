using Xsave.Contract.Implementations;
using Xsave.Oracle;

namespace Xsave.Gate.Implementations;

/// <summary>
/// Turns an --impl name into an implementation by asking each provider in turn. The reference is always the
/// oracle: the gate never compares an implementation with anything else.
/// </summary>
public sealed class ImplementationRegistry(IReadOnlyList<IImplementationProvider> providers)
{
    /// <summary>The subject when --impl is not given.</summary>
    public const string DefaultName = "optimized";

    /// <summary>Every implementation of this process (no out-of-process provider yet).</summary>
    public static ImplementationRegistry Default { get; } = new([new InProcessImplementations()]);

    public IReadOnlyList<ImplementationInfo> Listed { get; } = providers.SelectMany(p => p.Listed).ToList();

    public IReadOnlyList<string> Names => Listed.Select(i => i.Name).ToList();

    public static IXstateImplementation Reference() => new OracleImplementation();

    /// <summary>The implementation called <paramref name="name"/> (null or empty: <see cref="DefaultName"/>).</summary>
    public ImplementationLookup Resolve(string? name)
    {
        var wanted = string.IsNullOrWhiteSpace(name) ? DefaultName : name.Trim();
        foreach (var provider in providers)
            if (provider.TryResolve(wanted) is { } found)
                return found;
        return ImplementationLookup.Failed($"unknown implementation '{wanted}'; known: {string.Join(", ", Names)}");
    }
}
