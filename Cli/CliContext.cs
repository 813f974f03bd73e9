namespace Xsave.Cli;

/// <summary>
/// What one invocation of the runner may touch: its two output streams, whether stdout is a terminal, and the
/// environment variables it reads (XSAVE_CORPUS, XSAVE_DEBUG). Tests pass their own writers and environment.
/// </summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool OutIsTerminal, Func<string, string?> Environment)
{
    /// <summary>The real process: Console streams and environment.</summary>
    public static CliContext ForProcess() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, System.Environment.GetEnvironmentVariable);

    /// <summary>XSAVE_DEBUG=1 asks for stack traces on internal errors, as --verbose does.</summary>
    public bool DebugRequested => Environment("XSAVE_DEBUG") == "1";

    /// <summary>--verbose or XSAVE_DEBUG=1: stack traces of internal errors and of implementations that crashed.</summary>
    public bool Verbose { get; init; }
}
