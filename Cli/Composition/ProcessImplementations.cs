using Xsave.Adapters.Process;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Composition;

/// <summary>
/// The "process:COMMAND" scheme: an implementation in another process, in any language, speaking docs/protocol.md.
/// The child is started (and its handshake read) when the name is resolved, so a command that cannot start is a
/// one-line error before anything runs. --impl-timeout and --impl-arg reach it through <see cref="Use"/>.
/// </summary>
public sealed class ProcessImplementations : IImplementationProvider
{
    /// <summary>--impl-timeout (seconds per request) and --impl-arg (appended to the command), for this invocation.</summary>
    public sealed record Options(double? TimeoutSeconds, IReadOnlyList<string> ExtraArgs)
    {
        public static Options None { get; } = new(null, []);
    }

    // Per invocation (async-local): tests run several runner invocations in parallel in one process.
    private static readonly AsyncLocal<Options?> Current = new();

    public IReadOnlyList<ImplementationInfo> Listed { get; } =
        [new(ProcessLaunch.Scheme + "<command>", "an implementation in another process speaking the protocol of docs/protocol.md")];

    /// <summary>Sets the options for the rest of this invocation; disposing restores the previous ones.</summary>
    /// <summary>This invocation's options (other providers of child processes honour --impl-timeout too).</summary>
    public static Options CurrentOptions => Current.Value ?? Options.None;

    /// <summary>--impl-timeout as a TimeSpan (null: not given; a non-finite or huge value: no limit, TimeSpan.Zero).</summary>
    public static TimeSpan? Timeout(Options options) =>
        options.TimeoutSeconds is { } s ? (double.IsFinite(s) && s < 86400 * 365 ? TimeSpan.FromSeconds(s) : TimeSpan.Zero) : null;

    public static IDisposable Use(Options options)
    {
        var previous = Current.Value;
        Current.Value = options;
        return new Restore(() => Current.Value = previous);
    }

    public ImplementationLookup? TryResolve(string name)
    {
        if (!name.StartsWith(ProcessLaunch.Scheme, StringComparison.Ordinal)) return null;
        var options = Current.Value ?? Options.None;
        var timeout = Timeout(options);
        if (!ProcessLaunch.TryCreate(name[ProcessLaunch.Scheme.Length..], options.ExtraArgs, timeout, out var launch, out var error))
            return ImplementationLookup.Failed($"'{name}': {error}");
        try
        {
            return ImplementationLookup.Found(ProcessImplementation.Start(launch!));
        }
        catch (ImplementationUnavailableException e)
        {
            return ImplementationLookup.Failed(e.Message);
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
