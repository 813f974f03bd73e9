using System.Buffers.Binary;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// write_reg on the optimized kernel: SDM #UD (component outside the guest XCR0), the XFD #NM with IA32_XFD_ERR
/// (vmx_handle_nm_fault_irqoff), and the bytes at the CPUID standard offset in KVM_GET_XSAVE2 (R89, R70); INIT keeps
/// them (R91). SPR corpus numbers: opmask 0x440, Hi16_ZMM 0x680, TILECFG 0xAC0, TILEDATA 0xB00, uABI size 0x2B00.
/// </summary>
public class GuestRegisterWriteTests
{
    private static KvmHost Spr()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var host = new KvmHost(cpu);
        Assert.Equal(0, host.R(new ArchPrctlOp(1, KvmHost.ReqGuestPerm, 18)));
        host.NewVcpu(KvmHost.GuestCpuid(0x602e7, cpu.SubLeaf(1).Eax));
        return host;
    }

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    [Fact]
    public void EvexWrite_WithoutAvx512InXcr0_IsUd()
    {
        var host = Spr();
        var run = host.Do(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7), new GuestWriteRegister(7, 0, 1)]));
        Assert.Equal(GuestExit.InjectedUd, run.Exits![1]);
        Assert.Equal(0UL, host.Vcpu(0).Fpstate!.XstateBv.Bits & 1UL << 7);
    }

    [Fact]
    public void Hi16ZmmAndOpmaskWrites_SurviveInit_InGetXsave2()
    {
        var host = Spr();
        host.Do(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0xe7), new GuestWriteRegister(7, 1016, 0xabc), new GuestWriteRegister(5, 56, 0xf0f0)]));
        Assert.Equal(0, host.R(new VcpuInitOp(0)));
        var image = host.Do(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.Equal(0xA0UL, U64(image, 512) & 0xA0);
        Assert.Equal(0xabcUL, U64(image, 0x680 + 1016));
        Assert.Equal(0xf0f0UL, U64(image, 0x440 + 56));
    }

    [Fact]
    public void TileWrite_XfdArmed_IsNm_AndXfdErrReadsTiledata()
    {
        var host = Spr();
        var run = host.Do(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x602e7), new GuestWrmsr(KvmHost.MsrXfd, 1UL << 18),
            new GuestWriteRegister(18, 0, 5), new GuestRdmsr(KvmHost.MsrXfdErr)]));
        Assert.Equal([GuestExit.Completed, GuestExit.Completed, GuestExit.InjectedNm, GuestExit.Read(1UL << 18)], run.Exits!);
    }

    [Fact]
    public void TilecfgWrite_NotXfdControlled_Completes_AtItsOffset()
    {
        var host = Spr();
        host.Do(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x602e7), new GuestWrmsr(KvmHost.MsrXfd, 1UL << 18), new GuestWriteRegister(17, 0, 1)]));
        var image = host.Do(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.Equal(1UL, U64(image, 0xAC0));
    }

    [Fact]
    public void OffsetWrapsWithinTheRegisterFile()
    {
        var host = Spr();
        host.Do(new KvmRunOp(0, [new GuestWriteRegister(1, 256 + 16 + 3, 0x77)])); // XMM space is 256 bytes: lane 16
        var image = host.Do(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.Equal(0x77UL, U64(image, 160 + 16));
    }
}
