using Xsave.Cli.Kernel;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>
/// The real-machine checks (issue 14): where the native helper builds, the running kernel and CPU must agree with the
/// oracle's predictions for this host in every check that can run here; where it does not, the test is a reported
/// skip with the build's reason.
/// </summary>
public sealed class KernelChecksTests
{
    [SkippableFact]
    public void The_running_kernel_and_CPU_agree_with_the_oracle()
    {
        var runner = ProbeRunner.Locate();
        Skip.If(runner.Unavailable is not null, runner.Unavailable);

        var run = KernelChecks.Run(runner);

        Assert.NotNull(run.Host);
        var disagreements = run.Checks.Where(c => c.Result == CheckResult.Disagree).ToList();
        Assert.True(disagreements.Count == 0,
            "disagreements:\n" + string.Join("\n", disagreements.Select(c => $"{c.Group}: {c.Name}: expected {c.Expected}, observed {c.Observed}")));
        // Issue 14's bar: at least 60 agreeing checks in at least 5 groups (cpu, arch_prctl, ptrace, signal and the
        // instruction group suffice on a host without /dev/kvm).
        Assert.True(run.Count(CheckResult.Agree) >= 60, $"only {run.Count(CheckResult.Agree)} checks agree");
        var groups = run.Checks.Where(c => c.Result == CheckResult.Agree).Select(c => c.Group).Distinct().ToList();
        Assert.True(groups.Count >= 5, $"agreeing groups: {string.Join(", ", groups)}");
        // A skip always says why.
        Assert.All(run.Checks.Where(c => c.Result == CheckResult.Skipped), c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
    }

    [SkippableFact]
    public void Non_upstream_KVM_steps_are_skipped_never_compared()
    {
        var runner = ProbeRunner.Locate();
        Skip.If(runner.Unavailable is not null, runner.Unavailable);
        var run = KernelChecks.Run(runner, [KvmChecks.Group]);
        Skip.If(run.Host?.Kvm != KvmProvider.Pvm, $"this host's /dev/kvm provider is {run.Host?.Kvm}, not kvm_pvm");

        var cpuidSteps = run.Checks.Where(c => c.Group == KvmChecks.Group && c.Name.Contains("with the supported CPUID")).ToList();
        Assert.NotEmpty(cpuidSteps);
        Assert.All(cpuidSteps, c =>
        {
            Assert.Equal(CheckResult.Skipped, c.Result);
            Assert.StartsWith("non-upstream KVM (kvm_pvm):", c.Reason);
        });
    }

    [SkippableFact]
    public void A_provider_that_rewrites_the_guest_CPUID_is_detected_by_behaviour()
    {
        var runner = ProbeRunner.Locate();
        Skip.If(runner.Unavailable is not null, runner.Unavailable);
        var (host, problem) = HostFacts.From(runner.Run(CpuChecks.Group));
        Assert.True(host is not null, problem);
        Skip.If(host.Kvm != KvmProvider.Pvm, $"needs a host whose KVM rewrites KVM_SET_CPUID2 (kvm_pvm); this one: {host.Kvm}");

        // Pretend the module list said nothing: the behaviour alone must mark the CPUID-dependent steps.
        var checks = KvmChecks.Run(new HostOracle(host with { Kvm = KvmProvider.Upstream, KvmEvidence = "kvm without kvm_pvm" }), runner).ToList();

        var cpuidSteps = checks.Where(c => c.Name.Contains("with the supported CPUID")).ToList();
        Assert.NotEmpty(cpuidSteps);
        Assert.All(cpuidSteps, c =>
        {
            Assert.Equal(CheckResult.Skipped, c.Result);
            Assert.Contains("reads back", c.Reason);
        });
        Assert.DoesNotContain(checks, c => c.Result == CheckResult.Disagree);
    }

    [Fact]
    public void Without_the_helper_every_group_is_skipped_with_the_build_reason()
    {
        var runner = new ProbeRunner(null, "native helper not built: gcc not found on PATH", TimeSpan.FromSeconds(5));

        var run = KernelChecks.Run(runner);

        Assert.Equal(KernelChecks.Groups.Count, run.Checks.Count);
        Assert.All(run.Checks, c =>
        {
            Assert.Equal(CheckResult.Skipped, c.Result);
            Assert.Equal("native helper not built: gcc not found on PATH", c.Reason);
        });
        Assert.Equal(KernelChecks.Groups.OrderBy(g => g), run.Checks.Select(c => c.Group).OrderBy(g => g));
    }
}
