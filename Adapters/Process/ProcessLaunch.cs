namespace Xsave.Adapters.Process;

/// <summary>
/// How to run an implementation process: the command as words (run directly, never through a shell), how long one
/// request may take, and how many failures in a row end the restarting. The child inherits the runner's environment,
/// which is how extras reach it besides arguments.
/// </summary>
/// <param name="Command">Program and arguments.</param>
/// <param name="Timeout">Per request: past it the child is killed and the request fails.</param>
/// <param name="StartTimeout">For the handshake, which includes the child's own start-up (a JIT, an interpreter).</param>
/// <param name="MaxConsecutiveFailures">After this many slow failures in a row (a timeout, or a child that cannot start
/// or shake hands) with no good answer between them, the child is no longer restarted: every later request fails at
/// once, so a hung implementation cannot stall a whole run (shrinking would otherwise wait out a timeout per step).
/// Fast failures (a crash, garbage) restart the child every time.</param>
public sealed record ProcessLaunch(IReadOnlyList<string> Command, TimeSpan Timeout, TimeSpan StartTimeout, int MaxConsecutiveFailures = 3)
{
    public const string Scheme = "process:";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The command as it appears in messages.</summary>
    public string Display => string.Join(" ", Command.Select(Quote));

    /// <summary>
    /// <paramref name="commandLine"/> split like a shell would, with <paramref name="extraArgs"/> appended as they
    /// are; an empty or badly quoted command is an error naming the problem.
    /// </summary>
    public static bool TryCreate(string commandLine, IReadOnlyList<string> extraArgs, TimeSpan? timeout, out ProcessLaunch? launch, out string? error)
    {
        launch = null;
        if (!ShellWords.TrySplit(commandLine, out var words, out error)) return false;
        var t = timeout ?? DefaultTimeout;
        if (t <= TimeSpan.Zero) { error = $"the timeout must be more than 0 seconds, not {t.TotalSeconds}"; return false; }
        launch = new ProcessLaunch([.. words, .. extraArgs], t, t > DefaultStartTimeout ? t : DefaultStartTimeout);
        return true;
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=@+,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
