using Xsave.Contract.Linux;
using Xsave.Optimized.Tests.Linux.Kvm;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// The WARNs a vCPU raises that no contract outcome reports (the contract's VcpuInitOp always answers 0; a KVM_RUN's
/// death is reported, its WARN is not), read from the optimized vCPU itself. Expected counts from SPEC.md:
/// R91 kvm_xstate_reset(INIT) WARNs iff vcpu->wants_to_run ≠ fpstate->in_use (H7: INIT put the guest FPU only if
/// loaded); R87/H25 the kernel-mode #NM of the entry restore is WARN_ON(!user_mode) before die(); R86 no restore (so no
/// #NM) between guest events unless TIF_NEED_FPU_LOAD is set.
/// Each INIT case also shows that INIT reached its component loop (CET_U zeroed).
/// </summary>
public class KvmVcpuWarnTests
{
    private const uint MsrXfd = 0x1C4, MsrUCet = 0x6A0;

    /// <summary>A CET guest on Tiger Lake (CET_U in the INIT mask) whose U_CET holds ENDBR_EN.</summary>
    private static KvmHost TigerLakeWithUCet()
    {
        var host = new KvmHost(Corpus.Cpu("intel-tigerlake-806c1"));
        Assert.Equal(0, host.NewVcpu(KvmInputs.GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: true, ibt: true)));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrUCet, 1UL << 2)));
        return host;
    }

    private static int Warnings(KvmHost host) => host.Kernel.Kvm.FindVcpu(0)!.Warnings;

    /// <summary>R91: INIT inside KVM_RUN (wants_to_run = in_use = 1) does not WARN; it zeroes CET_U (U_CET reads 0).</summary>
    [Fact]
    public void InitWhileRunning_DoesNotWarn()
    {
        var host = TigerLakeWithUCet();
        Assert.Equal([GuestExit.Completed], host.Do(new KvmRunOp(0, [new InitWhileRunning()])).Exits!);
        Assert.Equal(0, Warnings(host));
        Assert.Equal(0UL, host.Do(new GetMsrOp(0, MsrUCet)).Value);
    }

    /// <summary>R91: INIT after KVM_RUN returned (KVM_GET_MP_STATE: wants_to_run = in_use = 0) does not WARN.</summary>
    [Fact]
    public void InitAfterRun_DoesNotWarn()
    {
        var host = TigerLakeWithUCet();
        Assert.Equal(0, host.R(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7)])));
        Assert.Equal(0, host.R(new VcpuInitOp(0)));
        Assert.Equal(0, Warnings(host));
        Assert.Equal(0UL, host.Do(new GetMsrOp(0, MsrUCet)).Value);
    }

    /// <summary>R87/H25: the entry restore's kernel-mode #NM WARNs once, and the thread dies.</summary>
    [Fact]
    public void DeathInRun_WarnsOnce()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var host = new KvmHost(cpu);
        Assert.Equal(0, host.R(new ArchPrctlOp(1, KvmHost.ReqGuestPerm, 18)));
        Assert.Equal(0, host.NewVcpu(KvmInputs.GuestCpuid(0x602E7, cpu.SubLeaf(1).Eax)));
        Assert.Equal(0, host.R(new SetXsaveOp(0, KvmInputs.Image(cpu, 0x2B00, 0x60003))));
        Assert.Equal(1, host.R(new SetMsrOp(0, MsrXfd, 1UL << 18)));
        Assert.Equal(KernelSignal.ThreadDied, host.Do(new KvmRunOp(0, [])).Signal);
        Assert.Equal(1, Warnings(host));
    }

    /// <summary>
    /// R86: the registers are reloaded between guest events only under TIF_NEED_FPU_LOAD. A guest that arms XFD over a
    /// live tile gets no restore before its next event, hence no host #NM and no WARN (the put saves under XFD).
    /// </summary>
    [Fact]
    public void XfdArmedOverALiveTile_NoReloadNoWarn()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var host = new KvmHost(cpu);
        Assert.Equal(0, host.R(new ArchPrctlOp(1, KvmHost.ReqGuestPerm, 18)));
        Assert.Equal(0, host.NewVcpu(KvmInputs.GuestCpuid(0x602E7, cpu.SubLeaf(1).Eax)));
        var run = host.Do(new KvmRunOp(0,
            [new GuestXsetbv(0, 0, 0x602E7), new GuestWriteRegister(18, 0, 5), new GuestWrmsr(MsrXfd, 1UL << 18), new GuestRdmsr(MsrXfd)]));
        Assert.Equal(GuestExit.Read(1UL << 18), run.Exits![^1]);
        Assert.Null(run.Signal);
        Assert.Equal(0, Warnings(host));
    }
}
