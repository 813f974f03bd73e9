using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>The steps a VMM takes before running a vCPU, as the focused KVM laws start: the guest permission for
/// TILEDATA, vCPU 0 in process 1, and leaf 0xD sub-leaf 0 with every XCR0 feature of the CPU (sub-leaf 1 with the
/// host's EAX on request, for XFD and XSAVES).</summary>
public static class VmmSetup
{
    public static KernelOp[] Prologue(CpuModel c, bool withSub1 = false)
    {
        ulong xcr0 = c.SupportedXcr0.Bits;
        var sub0 = new CpuidEntry(0xD, 0, new CpuidRegs((uint)xcr0, 0, 0, (uint)(xcr0 >> 32)));
        IReadOnlyList<CpuidEntry> table = withSub1 ? [sub0, new CpuidEntry(0xD, 1, new CpuidRegs(c.SubLeaf(1).Eax, 0, 0, 0))] : [sub0];
        return
        [
            new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompGuestPerm, Uapi.ArchPrctl.XcompTiledata),
            new VcpuCreateOp(1),
            new SetCpuid2Op(0, table),
        ];
    }
}
