namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>R77/R78 and H24: KVM_SET_CPUID2 after KVM_RUN once the guest changed XCR0 (cpuid.c kvm_set_cpuid,
/// kvm_cpuid_check_equal). Sizes: KO Zen 5 host, x87|SSE|AVX standard size 0x340.</summary>
public class KvmCpuidAfterRunTests
{
    [Fact]
    public void SetCpuid2_OriginalTable_AfterGuestXsetbv_IsAccepted_R78()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        var table = Leaf0DCpuid(0xE7, eax1: 0x7);
        Ok(vcpu.SetCpuid2(table));
        Ok(vcpu.Run(v => v.Xcrs.GuestXsetbv(0, 0, 0x7)));
        Ok(vcpu.SetCpuid2(table));
        Assert.Equal(0x340u, VcpuCpuid.Find(vcpu.GetCpuid2().Value, 0xD, 0)!.Ebx);
    }

    [Fact]
    public void SetCpuid2_TableReadBack_AfterGuestXsetbv_IsAccepted_R78()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(Leaf0DCpuid(0xE7, eax1: 0x7)));
        Ok(vcpu.Run(v => v.Xcrs.GuestXsetbv(0, 0, 0x7)));
        Ok(vcpu.SetCpuid2(vcpu.GetCpuid2().Value));
    }

    /// <summary>H24: the unfixed 6.14 kernel compares with the stale stored table: -EINVAL for the original one.</summary>
    [Fact]
    public void SetCpuid2_OriginalTable_OnTheUnfixedKernel_IsEinval_H24()
    {
        var boot = FpuBoot.Run(Zen5Ko(), KernelConfig.Default with { CpuidSetRefreshesCurrent = false });
        var (_, _, vcpu) = NewVcpu(boot);
        var table = Leaf0DCpuid(0xE7, eax1: 0x7);
        Ok(vcpu.SetCpuid2(table));
        Ok(vcpu.Run(v => v.Xcrs.GuestXsetbv(0, 0, 0x7)));
        Fails(Errno.EINVAL, vcpu.SetCpuid2(table));
    }
}
