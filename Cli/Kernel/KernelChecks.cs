namespace Xsave.Cli.Kernel;

/// <summary>The outcome of a whole run: the host as detected and every check.</summary>
public sealed record KernelRun(HostFacts? Host, string? HostProblem, IReadOnlyList<KernelCheck> Checks)
{
    /// <summary>The emulator the probe ran under (kernel --impl qemu-user:MODEL), or null for the live machine.</summary>
    public string? Emulator { get; init; }

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

    /// <summary>The groups that need only CPUID, XGETBV and the XSAVE family: what an emulated CPU can answer.</summary>
    public static readonly IReadOnlySet<string> CpuLevelGroups = new HashSet<string> { CpuChecks.Group, InstructionChecks.Group };

    /// <summary>Why a kernel-level group says nothing about an emulated CPU (issue 13).</summary>
    public const string EmulatedKernelSkip =
        "user-mode QEMU passes system calls to the host kernel (and builds signal frames itself): this group would check the host's kernel, not the emulated CPU";

    public static KernelRun Run(ProbeRunner runner, IReadOnlyCollection<string>? only = null) =>
        RunGroups(runner, only) with { Emulator = runner.Emulator };

    private static KernelRun RunGroups(ProbeRunner runner, IReadOnlyCollection<string>? only)
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
        // Under an emulator the CPU is the emulated one; the microcode line of /proc/cpuinfo is the host's.
        if (runner.Emulated) host = host with { Cpu = host.Cpu with { MicrocodeRevision = null } };
        var oracle = new HostOracle(host);
        var checks = new List<KernelCheck>();
        if (Wanted(only, CpuChecks.Group)) checks.AddRange(Guard(CpuChecks.Group, () => CpuChecks.Run(oracle, cpuRun, runner.Emulated)));
        if (cpuRun.Failure is { } cpuFailure) checks.Add(KernelCheck.Skip(CpuChecks.Group, "probe group", "-", cpuFailure));
        foreach (var (group, run) in Later)
        {
            if (!Wanted(only, group)) continue;
            if (runner.Emulated && !CpuLevelGroups.Contains(group)) checks.Add(KernelCheck.Skip(group, "all checks", "-", EmulatedKernelSkip));
            else checks.AddRange(Guard(group, () => run(oracle, runner)));
        }
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
