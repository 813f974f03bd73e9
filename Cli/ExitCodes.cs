namespace Xsave.Cli;

/// <summary>The runner's exit codes: the only place they are defined, and only the Cli returns them.</summary>
public static class ExitCodes
{
    /// <summary>The verb answered, or every check it ran passed.</summary>
    public const int Ok = 0;

    /// <summary>A check ran and found a failure (e.g. a clean profile the oracle does not reproduce).</summary>
    public const int CheckFailed = 1;

    /// <summary>Usage error or bad input: unknown option or CPU id, malformed profile file, invalid XCR0/XSS.</summary>
    public const int InputError = 2;

    /// <summary>A bug in the runner or the oracle (an unexpected exception).</summary>
    public const int InternalError = 3;
}
