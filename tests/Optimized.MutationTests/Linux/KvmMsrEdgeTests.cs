using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// KVM MSR edges the kernel laws' random sequences and the linked smoke tests did not reach (Stryker survivors of
/// Linux/Kvm, BENCHMARKS.md): each a short directed sequence whose every outcome and state must be the oracle's
/// (KernelDifferential); the oracle's result of the step in question is pinned too, so the case cannot pass vacuously.
/// R82-R84 (kvm_{get,set}_msr_common, kvm_is_advertised_msr, kvm_is_valid_u_s_cet, is_noncanonical_msr_address).
/// </summary>
public class KvmMsrEdgeTests
{
    private const string TigerLake = "intel-tigerlake-806c1"; // CET (SHSTK, IBT, CET_U|CET_S in XSS), XSAVES, no XFD
    private const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrUCet = 0x6A0, MsrPl0Ssp = 0x6A4, MsrPl3Ssp = 0x6A7;

    private static List<CpuidEntry> Guest(bool cet, uint sub1Eax = 0xF) =>
        KvmInputs.GuestCpuid(0x2E7, sub1Eax, xss: cet ? 0x1800UL : 0, shstk: cet, ibt: cet, leaf1Eax: 0x806C1);

    private static long Result(IReadOnlyList<Properties.Comparison.KernelStep> steps, int i) => steps[i].Outcome!.Result;

    /// <summary>R84: a kernel-half (canonical, upper bits all ones) 4-byte-aligned SSP is accepted.</summary>
    [Fact]
    public void CanonicalHighSsp_IsAccepted()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: true)),
            new SetMsrOp(0, MsrPl0Ssp, 0xFFFF_FFFF_FFFF_F000), new GetMsrOp(0, MsrPl0Ssp));
        Assert.Equal(1, Result(steps, 2));
    }

    /// <summary>R84 kvm_is_valid_u_s_cet: U_CET = 0 (and SUPPRESS alone) is valid for a CET guest.</summary>
    [Fact]
    public void UCetZeroAndSuppressAlone_AreAccepted()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: true)),
            new SetMsrOp(0, MsrUCet, 0), new SetMsrOp(0, MsrUCet, 1UL << 10), new GetMsrOp(0, MsrUCet));
        Assert.Equal(1, Result(steps, 2));
        Assert.Equal(1, Result(steps, 3));
    }

    /// <summary>An MSR number between the CET ones that KVM does not model is refused, also for a SHSTK guest.</summary>
    [Fact]
    public void UnmodelledMsrBetweenCetMsrs_IsRefused()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: true)), new SetMsrOp(0, 0x6A1, 0), new GetMsrOp(0, 0x6A1));
        Assert.Equal(0, Result(steps, 2));
    }

    /// <summary>
    /// kvm_do_msr_access: userspace writing 0 to an MSR KVM advertises (PL3_SSP with host SHSTK; U_CET with host SHSTK
    /// or IBT) is forgiven even when this guest's CPUID lacks CET. Booted with clearcpuid=ibt: SHSTK alone.
    /// </summary>
    [Fact]
    public void ZeroWriteToAdvertisedCetMsr_IsForgivenWithoutGuestCet()
    {
        var steps = KernelDifferential.Run(TigerLake, KernelConfig.Default with { ClearCpuid = CpuidFlags.Ibt },
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: false)),
            new SetMsrOp(0, MsrPl3Ssp, 0), new SetMsrOp(0, MsrUCet, 0), new SetMsrOp(0, MsrPl3Ssp, 8));
        Assert.Equal(1, Result(steps, 2));
        Assert.Equal(1, Result(steps, 3));
        Assert.Equal(0, Result(steps, 4));
    }

    /// <summary>
    /// R73/R82: booted with noxsaves, KVM does not offer XSAVES, so a guest CPUID asking for it does not get IA32_XSS
    /// (a write of 0 is not forgiven either: supported_xss is 0, the MSR is not advertised).
    /// </summary>
    [Fact]
    public void NoXsavesHost_GuestGetsNoXss()
    {
        var steps = KernelDifferential.Run(TigerLake, KernelConfig.Default with { NoXsaves = true },
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: false)), new SetMsrOp(0, MsrXss, 0));
        Assert.Equal(0, Result(steps, 2));
    }

    /// <summary>R83: a host without XFD gives no guest XFD, whatever its CPUID says: the guest's WRMSR(IA32_XFD) is #GP.</summary>
    [Fact]
    public void NoXfdHost_GuestXfdWriteFaults()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(cet: false, sub1Eax: 0x1F)),
            new KvmRunOp(0, [new GuestWrmsr(MsrXfd, 0)]));
        Assert.Equal([GuestExit.InjectedGp], steps[2].Outcome!.Exits!);
    }
}
