using System.Buffers.Binary;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Host kernel FPU use (kernel_fpu_begin, e.g. a softirq) while the guest FPU is loaded, with XFD armed by the guest
/// (R86, R87, R27, H6): the active (guest) fpstate is saved under its XFD, so an XFD-disabled component is stored as
/// init and its XSTATE_BV bit drops; TIF_NEED_FPU_LOAD then makes the next entry restore the registers, after which
/// the put at the end of KVM_RUN saves again. Run on the optimized implementation and on the oracle step by step
/// (KernelDifferential, state compared after each step), with the oracle's observable result pinned.
/// </summary>
public class KvmKernelFpuUseTests
{
    private const string SapphireRapids = "intel-sapphirerapids-806f8"; // AMX with XFD; TILEDATA is component 18
    private const uint MsrXfd = 0x1C4;
    private const ulong TileData = 1UL << 18;
    private const int GuestPermRequest = 0x1025; // ARCH_REQ_XCOMP_GUEST_PERM

    private static CpuModel Cpu => Subjects.AllCpus.Single(c => c.Id == SapphireRapids);

    private static KernelOp[] Prologue() =>
    [
        new ArchPrctlOp(1, GuestPermRequest, 18),
        new VcpuCreateOp(1),
        new SetCpuid2Op(0, KvmInputs.GuestCpuid(0x602E7, Cpu.SubLeaf(1).Eax)),
    ];

    /// <summary>
    /// TILEDATA in use, the guest arms XFD for it, the host kernel uses the FPU (saving the guest state under XFD:
    /// TILEDATA stored as init), the guest disarms XFD: the tile data is gone, KVM_GET_XSAVE2 shows TILEDATA in init.
    /// </summary>
    [Fact]
    public void SaveUnderArmedXfd_DropsTheTileData()
    {
        var steps = KernelDifferential.Run(SapphireRapids,
        [
            .. Prologue(),
            new KvmRunOp(0,
            [
                new GuestXsetbv(0, 0, 0x602E7), new GuestWriteRegister(18, 0, 5), new GuestWrmsr(MsrXfd, TileData),
                new HostKernelFpuUse(), new GuestWrmsr(MsrXfd, 0),
            ]),
            new GetXsave2Op(0, 0x2B00),
        ]);
        var image = steps[^1].Outcome!.Data!;
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(512)) & TileData);
    }

    /// <summary>
    /// The host kernel uses the FPU, then the guest fills a tile and arms XFD for it: the registers are reloaded after
    /// the kernel use (TIF_NEED_FPU_LOAD cleared), so the put at the end of KVM_RUN saves under XFD and the next
    /// KVM_RUN's restore does not fault (a missed save would leave XSTATE_BV ∩ XFD ≠ ∅ and kill the thread, H25).
    /// </summary>
    [Fact]
    public void PutAfterKernelUse_SavesUnderXfd_SoTheNextRunLives()
    {
        var steps = KernelDifferential.Run(SapphireRapids,
        [
            .. Prologue(),
            new KvmRunOp(0,
            [
                new GuestXsetbv(0, 0, 0x602E7), new HostKernelFpuUse(), new GuestWriteRegister(18, 0, 5),
                new GuestWrmsr(MsrXfd, TileData),
            ]),
            new KvmRunOp(0, [new GuestRdmsr(MsrXfd)]),
        ]);
        Assert.Null(steps[^1].Outcome!.Signal);
        Assert.Equal([GuestExit.Read(TileData)], steps[^1].Outcome!.Exits!);
    }

    /// <summary>
    /// After a host kernel FPU use the registers are reloaded (TIF_NEED_FPU_LOAD cleared before the guest runs on), so
    /// a guest that fills a tile, arms XFD for it and disarms it again before any save keeps its tile data: XFD alone
    /// does not discard register contents (R87 drops XSTATE_BV bits only while the state is not resident).
    /// </summary>
    [Fact]
    public void ArmAndDisarmAfterKernelUse_KeepTheTileData()
    {
        var steps = KernelDifferential.Run(SapphireRapids,
        [
            .. Prologue(),
            new KvmRunOp(0,
            [
                new GuestXsetbv(0, 0, 0x602E7), new HostKernelFpuUse(), new GuestWriteRegister(18, 0, 5),
                new GuestWrmsr(MsrXfd, TileData), new GuestWrmsr(MsrXfd, 0),
            ]),
            new GetXsave2Op(0, 0x2B00),
        ]);
        var image = steps[^1].Outcome!.Data!;
        Assert.Equal(TileData, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(512)) & TileData);
        Assert.Equal(5UL, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0xB00))); // SPR TILEDATA offset
    }
}
