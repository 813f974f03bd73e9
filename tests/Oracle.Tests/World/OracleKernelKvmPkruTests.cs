using System.Buffers.Binary;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// R86a through the contract: the put saves the guest fpstate with the VMM thread's PKRU in the register
/// (core.c fpu_swap_kvm_fpstate), KVM_GET_XSAVE writes vcpu.arch.pkru (x86.c kvm_load_host_xsave_state,
/// kvm_vcpu_ioctl_x86_get_xsave2). SPR: PKRU slot at 2688.
/// </summary>
public class OracleKernelKvmPkruTests
{
    private const ulong PkruBit = 1UL << 9;

    private static OracleKernel VcpuOnSpr()
    {
        var k = new OracleKernel(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default);
        k.Apply(new VcpuCreateOp(1));
        Assert.Equal(0, k.Apply(new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs(0x2e7, 0, 0, 0))])).Result);
        return k;
    }

    private static (bool Bit, uint Pkru) GetXsave(OracleKernel k)
    {
        var data = k.Apply(new GetXsaveOp(0)).Data!;
        return ((BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(512)) & PkruBit) != 0, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(2688)));
    }

    [Fact]
    public void GuestWrpkru_IsWhatGetXsaveReports_WithTheDefaultHostPkru_R86a()
    {
        var k = VcpuOnSpr();
        Assert.Equal(0, k.Apply(new KvmRunOp(0, [new GuestWritePkru(0x12)])).Result);
        Assert.Equal((true, 0x12u), GetXsave(k));
    }

    [Fact]
    public void HostPkruZero_LeavesThePkruBitClear_R86a()
    {
        var k = VcpuOnSpr();
        Assert.Equal(0, k.Apply(new WritePkruOp(1, 0, 0)).Result);
        k.Apply(new KvmRunOp(0, [new GuestWritePkru(0x12)]));
        Assert.False(GetXsave(k).Bit);
    }
}
