using System.Diagnostics;
using Xsave.Cli.Kernel;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>
/// A group that crashes, hangs or lies is a reported result, never a crash of the runner (issue 14); a lie is caught
/// as a disagreement, which shows the comparisons can fail.
/// </summary>
public sealed class ProbeFailureTests
{
    private static void RequireProbe()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the kernel checks need Linux");
        Skip.IfNot(File.Exists(FakeProbe.RealProbe), $"native helper not built (no {FakeProbe.RealProbe})");
    }

    [SkippableFact]
    public void A_crashing_group_is_reported_and_the_other_groups_still_run()
    {
        RequireProbe();
        using var probe = new FakeProbe(("ptrace", "kill -SEGV $$"));

        var run = KernelChecks.Run(probe.Runner(), [PtraceChecks.Group, ArchPrctlChecks.Group]);

        var ptrace = run.Checks.Where(c => c.Group == PtraceChecks.Group).ToList();
        Assert.NotEmpty(ptrace);
        Assert.All(ptrace, c => Assert.Equal(CheckResult.Skipped, c.Result));
        Assert.Contains(ptrace, c => c.Reason!.Contains("crashed: killed by signal 11"));
        Assert.Contains(run.Checks, c => c.Group == ArchPrctlChecks.Group && c.Result == CheckResult.Agree);
    }

    [SkippableFact]
    public void A_hanging_group_is_killed_with_its_children_after_the_timeout()
    {
        RequireProbe();
        // A duration no other run uses, so that a concurrent test run's sleepers are not mistaken for ours.
        string duration = $"300.{Random.Shared.Next(100_000, 1_000_000)}";
        using var probe = new FakeProbe(("sigaltstack", $"sleep {duration} & sleep {duration}; wait"));
        var watch = Stopwatch.StartNew();

        var run = KernelChecks.Run(probe.Runner(TimeSpan.FromSeconds(2)), [SigaltstackChecks.Group]);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        var rows = run.Checks.Where(c => c.Group == SigaltstackChecks.Group).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, c => Assert.Contains("hung: killed after 2 s", c.Reason));
        // Every child of the script was killed with it: none of its sleepers outlives the run.
        var sleepers = Process.GetProcessesByName("sleep").Where(p => Cmdline(p).Contains(duration)).ToList();
        Assert.Empty(sleepers);
    }

    [SkippableFact]
    public void A_probe_reporting_a_wrong_buffer_byte_gives_a_disagreement()
    {
        RequireProbe();
        // The starting state's FCW is 0x027F: every XSAVE image begins "7f02". Report one bit flipped.
        using var probe = new FakeProbe(("xsave", $"'{FakeProbe.RealProbe}' xsave | sed 's/\"buffer\":\"7f02/\"buffer\":\"7f03/'"));

        var run = KernelChecks.Run(probe.Runner(), [InstructionChecks.Group]);

        var wrong = run.Checks.Where(c => c.Group == InstructionChecks.Group && c.Result == CheckResult.Disagree).ToList();
        Assert.NotEmpty(wrong);
        Assert.All(wrong, c => Assert.StartsWith("ok, but buffer", c.Observed));
    }

    [SkippableFact]
    public void Garbage_output_is_a_reported_failure()
    {
        RequireProbe();
        using var probe = new FakeProbe(("signal", "echo 'segmentation fault (core dumped)'"));

        var run = KernelChecks.Run(probe.Runner(), [SignalChecks.Group]);

        var rows = run.Checks.Where(c => c.Group == SignalChecks.Group).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, c => Assert.Equal(CheckResult.Skipped, c.Result));
        Assert.Contains(rows, c => c.Reason!.Contains("unparseable probe output"));
    }

    private static string Cmdline(Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }
}
