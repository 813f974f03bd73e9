using System.Text.Json;
using Xsave.Cli.Kernel;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>
/// The second kind of machine (KERNEL-OBSERVATIONS §0, measured 2026-12-07): AMD family 0x1A, XCR0 0xe7, XSAVEC but no
/// XSAVES, no CET, no PKU, no /dev/kvm. Its CPUID is fed to the runner as the probe's "cpu" group would print it; the
/// oracle booted on the model the runner builds must predict what was measured there (the expected values below are
/// those measurements, not the oracle's output).
/// </summary>
public sealed class OtherHostTests
{
    private static ProbeRun CpuGroup()
    {
        string[] lines =
        [
            """{"name":"vendor","value":"AuthenticAMD","max_leaf":"0x10"}""",
            """{"name":"cpuid","leaf":"0x1","sub":"0x0","eax":"0xb00f21","ebx":"0x20800","ecx":"0xfffa3203","edx":"0x178bfbff"}""",
            """{"name":"cpuid","leaf":"0x7","sub":"0x0","eax":"0x1","ebx":"0xf1bf07ab","ecx":"0x405f46","edx":"0x10"}""",
            """{"name":"cpuid","leaf":"0x7","sub":"0x1","eax":"0x30","ebx":"0x0","ecx":"0x0","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x0","eax":"0xe7","ebx":"0x980","ecx":"0x980","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x1","eax":"0x7","ebx":"0x980","ecx":"0x0","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x2","eax":"0x100","ebx":"0x240","ecx":"0x0","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x5","eax":"0x40","ebx":"0x340","ecx":"0x0","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x6","eax":"0x200","ebx":"0x380","ecx":"0x0","edx":"0x0"}""",
            """{"name":"cpuid","leaf":"0xd","sub":"0x7","eax":"0x400","ebx":"0x580","ecx":"0x0","edx":"0x0"}""",
            """{"name":"xgetbv","ecx":"0x0","value":"0xe7"}""",
            """{"name":"mxcsr_mask","value":"0x2ffff"}""",
            """{"name":"auxv","AT_MINSIGSTKSZ":3376,"AT_HWCAP2":"0x2"}""",
            """{"name":"uname","release":"6.18.44-fc-v1272","machine":"x86_64"}""",
        ];
        return new("cpu", lines.Select(l => new ProbeLine(JsonDocument.Parse(l).RootElement.Clone())).ToList(), null);
    }

    private static HostFacts Host()
    {
        var (host, problem) = HostFacts.From(CpuGroup());
        Assert.True(host is not null, problem);
        return host with { Kvm = KvmProvider.None, KvmEvidence = "no /dev/kvm" };
    }

    [Fact]
    public void The_runner_builds_the_measured_CPU_model()
    {
        var cpu = Host().Cpu;

        Assert.Equal(0x1A, cpu.Family);
        Assert.Equal(2, cpu.Model);
        Assert.False(cpu.HasXsaves);
        Assert.True(cpu.HasXsavec);
        Assert.Equal(FeatureMask.None, cpu.SupportedXss);
        Assert.False(cpu.Flags.Shstk);
        Assert.False(cpu.Flags.Pku);
        Assert.Equal(0x2FFFFu, cpu.MxcsrMask);
    }

    [Fact]
    public void The_oracle_booted_on_it_predicts_what_was_measured_there()
    {
        var oracle = new HostOracle(Host());
        var boot = oracle.BootResult();

        Assert.Equal(new FeatureMask(0xe7), boot.Xcr0);
        Assert.Equal(FeatureMask.None, boot.Xss);
        // dmesg there: "Enabled xstate features 0xe7, context size is 2432 bytes, using 'compacted' format".
        Assert.Contains(boot.KernelLog, l => l.Contains("Enabled xstate features 0xe7, context size is 2432 bytes, using 'compacted' format"));
        Assert.Equal(3376UL, SignalFrames.MaxFrameSize(boot));

        var kernel = oracle.Boot();
        foreach (var get in new[] { Uapi.ArchPrctl.GetXcompSupp, Uapi.ArchPrctl.GetXcompPerm, Uapi.ArchPrctl.GetXcompGuestPerm })
            Assert.Equal(new KernelOutcome(0, 0xe7UL), kernel.Apply(new ArchPrctlOp(1, get, 0x7fff_0000_1000)));
        foreach (var req in new[] { Uapi.ArchPrctl.ReqXcompPerm, Uapi.ArchPrctl.ReqXcompGuestPerm })
            for (ulong idx = 0; idx < 66; idx++)
                Assert.Equal(idx < 20 ? -(long)Errno.EOPNOTSUPP : -(long)Errno.EINVAL, kernel.Apply(new ArchPrctlOp(1, req, idx)).Result);
    }

    [Fact]
    public void Without_dev_kvm_the_kvm_group_is_one_reported_skip()
    {
        var runner = new ProbeRunner(null, "not used", TimeSpan.FromSeconds(1));

        var checks = KvmChecks.Run(new HostOracle(Host()), runner).ToList();

        var only = Assert.Single(checks);
        Assert.Equal(CheckResult.Skipped, only.Result);
        Assert.Equal("no /dev/kvm on this host", only.Reason);
    }
}
