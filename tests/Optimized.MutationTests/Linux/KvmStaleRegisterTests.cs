using System.Buffers.Binary;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// A guest register write to a component whose XSTATE_BV bit is clear starts from the init configuration, not from
/// bytes left in the buffer. Stale bytes under a clear bit are real: KVM_SET_XSAVE (copy_uabi_to_xstate) copies only
/// the components its XSTATE_BV names and clears the other user bits, leaving their bytes as they were (R70/R89). The
/// next save then stores the component with the new register and zeros elsewhere (x87: FCW 0x37F, the rest 0).
/// Run on the optimized implementation and on the oracle step by step (KernelDifferential, state compared after each
/// step); the oracle's image is pinned so the case cannot pass vacuously.
/// </summary>
public class KvmStaleRegisterTests
{
    private const string Skylake = "intel-skylake-506e3"; // x87, SSE, AVX, MPX; YMM at 576

    private static CpuModel Cpu => Subjects.AllCpus.Single(c => c.Id == Skylake);

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));

    /// <summary>YMM bytes written, then a SET_XSAVE without YMM, then a write of YMM0's low lane: the rest of YMM is 0.</summary>
    [Fact]
    public void YmmWrite_AfterSetXsaveDroppedYmm_StartsFromZeros()
    {
        var steps = KernelDifferential.Run(Skylake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, KvmInputs.GuestCpuid(0x7, 0xF)),
            new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7)]),
            new SetXsaveOp(0, KvmInputs.Image(Cpu, 4096, 0x7)),   // YMM area filled with 0x5C
            new SetXsaveOp(0, KvmInputs.Image(Cpu, 4096, 0x3)),   // YMM bit cleared, its bytes left
            new KvmRunOp(0, [new GuestWriteRegister(2, 0, 0x11)]),
            new GetXsaveOp(0));
        var image = steps[6].Outcome!.Data!;
        Assert.Equal(0x7UL, U64(image, 512) & 0x7);
        Assert.Equal(0x11UL, U64(image, 576));
        Assert.Equal(0UL, U64(image, 576 + 8));
    }

    /// <summary>
    /// x87 state with FSW/FIP and ST0 set, then a SET_XSAVE with SSE only, then a write of ST1: FCW reads 0x37F and
    /// FSW, FIP and ST0 read 0 (fpstate init: only FCW is non-zero in x87's init configuration).
    /// </summary>
    [Fact]
    public void X87Write_AfterSetXsaveDroppedX87_StartsFromTheInitConfiguration()
    {
        var full = KvmInputs.Image(Cpu, 4096, 0x3);
        BinaryPrimitives.WriteUInt16LittleEndian(full.AsSpan(2), 0x3800);       // FSW: TOP = 7
        BinaryPrimitives.WriteUInt64LittleEndian(full.AsSpan(8), 0x1234_5678);  // FIP
        var steps = KernelDifferential.Run(Skylake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, KvmInputs.GuestCpuid(0x7, 0xF)),
            new SetXsaveOp(0, full),
            new SetXsaveOp(0, KvmInputs.Image(Cpu, 4096, 0x2)),   // x87 bit cleared, its bytes left
            new KvmRunOp(0, [new GuestWriteRegister(0, 16, 0x22)]),
            new GetXsaveOp(0));
        var image = steps[5].Outcome!.Data!;
        Assert.Equal(1UL, U64(image, 512) & 1);
        Assert.Equal(0x37FUL, U64(image, 0) & 0xFFFF_FFFF);
        Assert.Equal(0UL, U64(image, 8));
        Assert.Equal(0UL, U64(image, 32));
        Assert.Equal(0x22UL, U64(image, 48));
    }
}
