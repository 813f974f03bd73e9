using Xsave.Contract.Implementations;
using Xsave.Gate;

namespace Xsave.Cli.Composition;

/// <summary>A name the runner accepts for --impl, and what it is, for --help and error messages.</summary>
public sealed record ImplementationInfo(string Name, string Description);

/// <summary>What a provider answers for a name it owns: the implementation, or why it cannot be had.</summary>
public sealed record ImplementationLookup(IXstateImplementation? Implementation, GateError? Error)
{
    public static ImplementationLookup Found(IXstateImplementation implementation) => new(implementation, null);
    public static ImplementationLookup Failed(string message) => new(null, new GateError(message));
}

/// <summary>
/// One source of implementations. The in-process one knows fixed names; a later provider can own a scheme such as
/// "process:&lt;command&gt;" (an implementation in another process speaking the documented protocol) without any
/// change to the commands: the registry asks each provider in turn.
/// </summary>
public interface IImplementationProvider
{
    /// <summary>The names to list in --help (a scheme provider lists its pattern, e.g. "process:&lt;command&gt;").</summary>
    IReadOnlyList<ImplementationInfo> Listed { get; }

    /// <summary>Null when the name is not this provider's; otherwise a fresh implementation, or an error.</summary>
    /// <remarks>An implementation that is also <see cref="IDisposable"/> (a child process) is disposed by the caller.</remarks>
    ImplementationLookup? TryResolve(string name);
}
