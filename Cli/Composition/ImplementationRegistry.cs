using Xsave.Contract.Implementations;
using Xsave.Oracle;

namespace Xsave.Cli.Composition;

/// <summary>
/// Turns an --impl name into an implementation by asking each provider in turn. The reference is always the
/// oracle: the gate never compares an implementation with anything else. This is the composition root: the engine
/// (Gate/, Scenarios/) is handed the implementations it runs and never names one itself.
/// </summary>
public sealed class ImplementationRegistry(IReadOnlyList<IImplementationProvider> providers)
{
    /// <summary>The subject when --impl is not given.</summary>
    public const string DefaultName = "optimized";

    /// <summary>The reference's name: the default of the verbs that ask one implementation (layout, boot, ...).</summary>
    public const string OracleName = OracleImplementation.ImplementationName;

    /// <summary>Every implementation of this process, any process speaking the protocol ("process:COMMAND"), and this
    /// machine ("kernel").</summary>
    public static ImplementationRegistry Default { get; } = new([new InProcessImplementations(), new ProcessImplementations(), new KernelImplementations()]);

    public IReadOnlyList<ImplementationInfo> Listed { get; } = providers.SelectMany(p => p.Listed).ToList();

    public IReadOnlyList<string> Names => Listed.Select(i => i.Name).ToList();

    /// <summary>A fresh reference implementation: the oracle.</summary>
    public static IXstateImplementation Reference() => new OracleImplementation();

    /// <summary>The implementation called <paramref name="name"/> (null or empty: <paramref name="defaultName"/>).</summary>
    public ImplementationLookup Resolve(string? name, string defaultName = DefaultName)
    {
        var wanted = string.IsNullOrWhiteSpace(name) ? defaultName : name.Trim();
        foreach (var provider in providers)
            if (provider.TryResolve(wanted) is { } found)
                return found;
        return ImplementationLookup.Failed($"unknown implementation '{wanted}'; known: {string.Join(", ", Names)}");
    }
}
