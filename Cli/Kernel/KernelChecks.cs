namespace Xsave.Cli.Kernel;

/// <summary>The outcome of a whole run: the host as detected and every check.</summary>
public sealed record KernelRun(HostFacts? Host, string? HostProblem, IReadOnlyList<KernelCheck> Checks)
{
    public int Count(CheckResult r) => Checks.Count(c => c.Result == r);
}

/// <summary>
/// Runs every group: first "cpu" (the live CPU model and XCR0 every prediction starts from), then arch_prctl, ptrace,
/// signal, sigaltstack, xsave and kvm, each in its own probe process. A group that cannot run is reported as skipped
/// with its reason; nothing here throws for what the machine does.
/// </summary>
public static class KernelChecks
{
    public static readonly IReadOnlyList<string> Groups =
        [CpuChecks.Group, ArchPrctlChecks.Group, PtraceChecks.Group, SignalChecks.Group, SigaltstackChecks.Group, InstructionChecks.Group, KvmChecks.Group];

    private static readonly (string Group, Func<HostOracle, ProbeRunner, IEnumerable<KernelCheck>> Run)[] Later =
    [
        (ArchPrctlChecks.Group, ArchPrctlChecks.Run),
        (PtraceChecks.Group, PtraceChecks.Run),
        (SignalChecks.Group, SignalChecks.Run),
        (SigaltstackChecks.Group, SigaltstackChecks.Run),
        (InstructionChecks.Group, InstructionChecks.Run),
        (KvmChecks.Group, KvmChecks.Run),
    ];

    public static KernelRun Run(ProbeRunner runner, IReadOnlyCollection<string>? only = null)
    {
        if (runner.Unavailable is { } missing)
            return new(null, missing, Groups.Select(g => KernelCheck.Skip(g, "all checks", "-", missing)).ToList());

        var cpuRun = runner.Run(CpuChecks.Group);
        var (host, problem) = HostFacts.From(cpuRun);
        if (host is null)
        {
            var why = $"the host could not be described: {problem}";
            return new(null, why, Groups.Select(g => KernelCheck.Skip(g, "all checks", "-", why)).ToList());
        }
        var oracle = new HostOracle(host);
        var checks = new List<KernelCheck>();
        if (Wanted(only, CpuChecks.Group)) checks.AddRange(Guard(CpuChecks.Group, () => CpuChecks.Run(oracle, cpuRun)));
        if (cpuRun.Failure is { } cpuFailure) checks.Add(KernelCheck.Skip(CpuChecks.Group, "probe group", "-", cpuFailure));
        foreach (var (group, run) in Later)
            if (Wanted(only, group)) checks.AddRange(Guard(group, () => run(oracle, runner)));
        return new(host, null, checks);
    }

    private static bool Wanted(IReadOnlyCollection<string>? only, string group) => only is null || only.Count == 0 || only.Contains(group);

    /// <summary>
    /// A group whose oracle side throws (an input the model does not cover) is one skipped row naming the exception,
    /// so the other groups still run; the message is reported, not hidden.
    /// </summary>
    private static IReadOnlyList<KernelCheck> Guard(string group, Func<IEnumerable<KernelCheck>> run)
    {
        var list = new List<KernelCheck>();
        try
        {
            list.AddRange(run());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            list.Add(KernelCheck.Skip(group, "group aborted", "-", $"the runner could not compute this group: {e.GetType().Name}: {e.Message}"));
        }
        return list;
    }
}
