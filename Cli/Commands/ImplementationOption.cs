using System.CommandLine;
using Xsave.Cli.Composition;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Commands;

/// <summary>
/// --impl for the verbs that ask one implementation a question (layout, boot, policies, self-check, bench): the name
/// is resolved through the registry, and the implementation must declare the part of the contract the verb needs.
/// </summary>
public static class ImplementationOption
{
    public static Option<string?> Create(string defaultName, string role) => new("--impl")
    {
        Description = $"{role} (default: {defaultName}). Known: {string.Join(", ", GateOptions.Registry.Names)}.",
        HelpName = "NAME",
    };

    /// <summary>
    /// The implementation called <paramref name="name"/> (null: <paramref name="defaultName"/>), or null after one
    /// "error:" line: an unknown name (with the known ones), or a name that lacks <paramref name="needed"/>.
    /// </summary>
    public static IXstateImplementation? Resolve(CliContext context, string verb, string? name, string defaultName, ContractPart needed,
        ImplementationRegistry? registry = null)
    {
        var lookup = (registry ?? GateOptions.Registry).Resolve(name, defaultName);
        if (lookup.Implementation is not { } implementation)
        {
            context.Error.WriteLine($"error: --impl: {lookup.Error}");
            return null;
        }
        var missing = needed & ~implementation.Capabilities.Parts;
        if (missing == ContractPart.None) return implementation;
        context.Error.WriteLine($"error: --impl: implementation '{implementation.Name}' does not implement {missing}, which '{verb}' needs");
        (implementation as IDisposable)?.Dispose();
        return null;
    }
}
