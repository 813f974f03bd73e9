using System.Buffers.Binary;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// Guest register writes in KVM_RUN (write_reg): the SDM's #UD for a VEX/EVEX/AMX component outside XCR0, the XFD #NM
/// (vmx_handle_nm_fault_irqoff keeps IA32_XFD_ERR), and KVM_GET_XSAVE2 showing the bytes (R89, R70). Offsets are
/// SPR's CPUID.(0xD,i).EBX: YMM 0x240, ZMM_Hi256 0x480, TILEDATA 0xB00; uABI size 0x2B00.
/// </summary>
public class OracleKernelGuestWriteTests
{
    private static OracleKernel AmxVmm()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var k = new OracleKernel(cpu, KernelConfig.Default);
        k.Apply(new ArchPrctlOp(1, 0x1025, 18));
        k.Apply(new VcpuCreateOp(1));
        Assert.Equal(0, k.Apply(new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs(0x602e7, 0, 0, 0)), new CpuidEntry(0xD, 1, new CpuidRegs(cpu.SubLeaf(1).Eax, 0, 0, 0))])).Result);
        return k;
    }

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    [Fact]
    public void VexWrite_WithXcr0X87Only_IsUd_AndChangesNothing()
    {
        var k = AmxVmm();
        var before = k.Snapshot()!.Vcpus[0].Fpstate;
        var run = k.Apply(new KvmRunOp(0, [new GuestWriteRegister(2, 0, 0x42)]));
        Assert.Equal([GuestExit.InjectedUd], run.Exits!);
        Assert.Equal(before!.XstateBv.Without(9), k.Snapshot()!.Vcpus[0].Fpstate!.XstateBv.Without(9)); // PKRU: R86a
    }

    [Fact]
    public void AvxWrite_AfterXsetbv_IsInGetXsave2_AtTheStandardOffset()
    {
        var k = AmxVmm();
        var run = k.Apply(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0xe7), new GuestWriteRegister(6, 72, 0xfeed)]));
        Assert.Equal([GuestExit.Completed, GuestExit.Completed], run.Exits!);
        var image = k.Apply(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.NotEqual(0UL, U64(image, 512) & 1UL << 6);
        Assert.Equal(0xfeedUL, U64(image, 0x480 + 72));
    }

    [Fact]
    public void TileWrite_WithGuestXfdArmed_IsNm_WithXfdErr_ThenCompletesOnceDisarmed()
    {
        var k = AmxVmm();
        var run = k.Apply(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x602e7), new GuestWrmsr(0x1C4, 1UL << 18), new GuestWriteRegister(18, 8, 0x99)]));
        Assert.Equal(GuestExit.InjectedNm, run.Exits![2]);
        Assert.Equal(1UL << 18, k.Snapshot()!.Vcpus[0].XfdErr);
        k.Apply(new KvmRunOp(0, [new GuestWrmsr(0x1C4, 0), new GuestWriteRegister(18, 8, 0x99)]));
        var image = k.Apply(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.NotEqual(0UL, U64(image, 512) & 1UL << 18);
        Assert.Equal(0x99UL, U64(image, 0xB00 + 8));
    }

    [Fact]
    public void X87Write_FromInit_GivesFcw37f_AndTheLane()
    {
        var k = AmxVmm();
        k.Apply(new KvmRunOp(0, [new GuestWriteRegister(0, 0, 0x1234)]));
        var image = k.Apply(new GetXsave2Op(0, 0x2B00)).Data!;
        Assert.Equal(0x37F, BinaryPrimitives.ReadUInt16LittleEndian(image)); // R17 init FCW
        Assert.Equal(0x1234UL, U64(image, 32)); // ST0 (FXSAVE layout, R12)
    }

    [Fact]
    public void WriteRegister_RefusesComponentsNoInstructionWrites() =>
        Assert.Throws<ArgumentException>(() => new GuestWriteRegister(9, 0, 1));
}
