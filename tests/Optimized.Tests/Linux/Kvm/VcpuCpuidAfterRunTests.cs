using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// R77/R78, H24 (cpuid.c kvm_set_cpuid, kvm_cpuid_check_equal, kvm_vcpu_ioctl_get_cpuid2): KVM_SET_CPUID2 after a
/// KVM_RUN in which the guest changed XCR0. Zen 5 host: x87|SSE|AVX standard size 0x340 (KO §3e).
/// </summary>
public class VcpuCpuidAfterRunTests
{
    private static readonly List<CpuidEntry> Supported = GuestCpuid(0xE7, sub1Eax: 0xF);
    private static readonly KvmRunOp GuestSetsAvx = new(0, [new GuestXsetbv(0, 0, 0x7)]);

    [Fact]
    public void OriginalTable_IsAccepted_AndGetCpuid2_ReportsTheGuestXcr0Size_R78()
    {
        var host = new KvmHost(ObservedHost.Zen5());
        host.NewVcpu(Supported);
        Assert.Equal(0, host.R(GuestSetsAvx));
        Assert.Equal(0, host.R(new SetCpuid2Op(0, Supported)));
        var read = host.Kernel.Apply(new GetCpuid2Op(0));
        Assert.Equal(0, read.Result);
        Assert.Equal(0x340u, read.Cpuid!.Single(e => e.Function == 0xD && e.Index == 0).Regs.Ebx);
        Assert.Equal(0, host.R(new SetCpuid2Op(0, read.Cpuid!)));
        Assert.Equal(E2BIG, host.R(new GetCpuid2Op(0, 1)));
    }

    [Fact]
    public void OriginalTable_OnTheUnfixedKernel_IsEinval_H24()
    {
        var host = new KvmHost(ObservedHost.Zen5(), KernelConfig.Default with { CpuidSetRefreshesCurrent = false });
        host.NewVcpu(Supported);
        Assert.Equal(0, host.R(GuestSetsAvx));
        Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, Supported)));
    }
}
