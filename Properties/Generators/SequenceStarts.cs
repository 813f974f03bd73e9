using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>
/// How the random sequences start, before their random operations: nothing, or what a program or a VMM does first.
/// Without these starts the dynamic-feature paths were met in 0-5% of the sequences (issue 16): an AMX request and
/// its first use, a KVM_SET_XSAVE accepted with the guest's XFD armed (never, in 1000 sequences), a guest's own XFD
/// write, a KVM_GET_XSAVE(2) above 4 KiB. Each start is a real program's order; random operations follow all of them.
/// </summary>
public static class SequenceStarts
{
    private const int XtileData = 18;
    private const ulong TileDataBit = 1UL << XtileData;

    /// <summary>Process sequences: mostly nothing; else an AMX program's request, sometimes with its first tile use, or
    /// (64-bit kernels, where signal frames are modelled) a signal being handled: the handler's own register writes and
    /// its sigreturn follow among the random operations (a failed sigreturn after the handler changed its registers,
    /// H16, needed three operations in that order and was missed by one seed in twenty).</summary>
    public static Gen<List<KernelOp>> Process(bool signals) => signals ? WithSignals : WithoutSignals;

    private static readonly (int, Gen<List<KernelOp>>)[] ProgramStarts =
    [
        (4, Gen.Constant(0).Select(_ => new List<KernelOp>())),
        (1, Gen.Constant(0).Select(_ => new List<KernelOp> { new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompPerm, XtileData) })),
        (1, Gen.Constant(0).Select(_ => AmxProgram())),
    ];

    private static readonly Gen<List<KernelOp>> WithoutSignals = Weighted.Of(ProgramStarts);

    private static readonly Gen<List<KernelOp>> WithSignals = Weighted.Of(
        [.. ProgramStarts, (1, Gen.Constant(0).Select(_ => new List<KernelOp> { new SignalDeliverOp(1, 0, false) }))]);

    /// <summary>KVM sequences: nothing, an AMX program, a VMM's usual set-up (<paramref name="vmmPrologue"/>), a VMM
    /// putting a saved vCPU state and running its guest, a VMM saving a vCPU, or one taking in a migrated vCPU.</summary>
    public static Gen<List<KernelOp>> Kvm(CpuModel cpu, Gen<List<KernelOp>> vmmPrologue) => Weighted.Of(
        (2, Gen.Constant(0).Select(_ => new List<KernelOp>())),
        (2, Gen.Constant(0).Select(_ => AmxProgram())),
        (2, vmmPrologue),
        (3, PutState(cpu)),
        (3, SaveState(cpu)),
        (1, MigrateIn(cpu)));

    private static List<KernelOp> AmxProgram() =>
        [new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompPerm, XtileData), new XfdFaultOp(1, 0, FeatureMask.Of(XFeature.XtileData))];

    /// <summary>
    /// A VMM putting a vCPU's state as QEMU does on a second put (after a reset or an incoming migration, the guest's
    /// IA32_XFD already armed): XCR0, IA32_XFD = TILEDATA, a valid image of the uABI size (KVM_SET_XSAVE under XFD,
    /// R87/H6); then the guest runs its own FPU set-up (XSETBV, WRMSR IA32_XFD).
    /// </summary>
    private static Gen<List<KernelOp>> PutState(CpuModel cpu) =>
        from bv in MaskGen.SubsetOf(cpu.SupportedXcr0)
        from pattern in Gen.Choose(1, 255)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)cpu.MaxStandardSize)
        select (List<KernelOp>)
        [
            .. VmmSetup.Prologue(cpu, withSub1: true),
            new SetXcrsOp(0, 0, [new XcrEntry(0, cpu.SupportedXcr0.Bits)]),
            new SetMsrOp(0, Uapi.Msr.Ia32Xfd, TileDataBit),
            new SetXsaveOp(0, KernelOpGen.BuildImage(cpu, uabi, bv.With(XFeature.Fp), 0, 0x1F80, (byte)pattern)),
            new KvmRunOp(0, [new GuestXsetbv(0, 0, cpu.SupportedXcr0.Bits), new GuestWrmsr(Uapi.Msr.Ia32Xfd, TileDataBit)]),
        ];

    /// <summary>
    /// A VMM taking in a vCPU saved by an older kernel (H11): the guest's CPUID offers a legal XCR0 that may be narrower
    /// than the host's, while the image carries every non-dynamic feature the source exported (KVM_GET_XSAVE filtered by
    /// the guest only from 2023 on); then the state is read back. Without it a guest CPUID narrower than an accepted image
    /// was met too rarely: a SET_XSAVE refusing such images was missed by 7 seeds in 20.
    /// </summary>
    private static Gen<List<KernelOp>> MigrateIn(CpuModel cpu) =>
        from guest in MaskGen.LegalXcr0(cpu.SupportedXcr0)
        from pattern in Gen.Choose(1, 255)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)cpu.MaxStandardSize)
        select (List<KernelOp>)
        [
            new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompGuestPerm, XtileData),
            new VcpuCreateOp(1),
            new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs((uint)guest.Bits, 0, 0, (uint)(guest.Bits >> 32))),
                                new CpuidEntry(0xD, 1, new CpuidRegs(cpu.SubLeaf(1).Eax, 0, 0, 0))]),
            new SetXsaveOp(0, KernelOpGen.BuildImage(cpu, uabi, cpu.SupportedXcr0.Without(XFeature.XtileData), 0, 0x1F80, (byte)pattern)),
            new GetXsave2Op(0, uabi),
        ];

    /// <summary>A VMM saving a vCPU (with or without the guest's AMX permission first): KVM_GET_XSAVE, which refuses a
    /// uABI size above 4 KiB (H5), then KVM_CAP_XSAVE2 and KVM_GET_XSAVE2 of that size.</summary>
    private static Gen<List<KernelOp>> SaveState(CpuModel cpu) =>
        from ask in Weighted.Of((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        let prologue = VmmSetup.Prologue(cpu, withSub1: true)
        select (List<KernelOp>)
        [
            .. (ask ? prologue : prologue[1..]),
            new GetXsaveOp(0),
            new KvmCheckExtensionOp(1, Uapi.KvmCap.Xsave2),
            new GetXsave2Op(0, Math.Max(Uapi.KvmXsaveSize, (int)cpu.MaxStandardSize)),
        ];
}
