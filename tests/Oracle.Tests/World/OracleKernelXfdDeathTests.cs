using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// R87 as corrected, H25: a host KVM_SET_MSRS(IA32_XFD) after KVM_SET_XSAVE with TILEDATA leaves XSTATE_BV ∩ XFD ≠ ∅
/// (fpu_update_guest_xfd masks only under TIF_NEED_FPU_LOAD); the next KVM_RUN dies (traps.c handle_xfd_event) and
/// fpu_free_guest_fpstate WARNs. SPR corpus profile, uABI size 11008.
/// </summary>
public class OracleKernelXfdDeathTests
{
    [Fact]
    public void HostXfdWriteAfterSetXsave_KillsTheThreadInKvmRun_R87_H25()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var k = new OracleKernel(cpu, KernelConfig.Default);
        k.Apply(new ArchPrctlOp(1, 0x1025, 18));
        k.Apply(new VcpuCreateOp(1));
        Assert.Equal(0, k.Apply(new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs(0x602e7, 0, 0, 0)), new CpuidEntry(0xD, 1, new CpuidRegs(cpu.SubLeaf(1).Eax, 0, 0, 0))])).Result);
        var image = new byte[11008];
        BitConverter.TryWriteBytes(image.AsSpan(24), 0x1F80u);
        BitConverter.TryWriteBytes(image.AsSpan(512), 0x60003UL);
        Assert.Equal(0, k.Apply(new SetXsaveOp(0, image)).Result);
        Assert.Equal(1, k.Apply(new SetMsrOp(0, 0x1C4, 1UL << 18)).Result);
        Assert.Equal(KernelSignal.ThreadDied, k.Apply(new KvmRunOp(0, [])).Signal);
        Assert.True(k.Snapshot()!.Vcpus[0].FpuLoaded);
        Assert.Equal(KernelSignal.Warn, k.Apply(new VcpuDestroyOp(0)).Signal);
    }
}
