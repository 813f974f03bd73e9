using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// KVM_SET_CPUID2 tables whose entries come in an order the builders never use, so the leaf KVM looks up is entry 0
/// (kvm_find_cpuid_entry_index returns the first match, wherever it is): 0x80000008, 0xD.1 or 7 first. Each table is
/// run on the optimized implementation and on the oracle step by step (KernelDifferential); the oracle's result of
/// the step that observes the looked-up leaf is pinned, so the case cannot pass vacuously.
/// R78 kvm_check_cpuid, R79 kvm_vcpu_after_set_cpuid, R77 kvm_update_cpuid_runtime, R82-R84.
/// </summary>
public class KvmCpuidOrderTests
{
    private const string TigerLake = "intel-tigerlake-806c1";        // SHSTK, IBT, CET_U|CET_S in XSS, XSAVES, no XFD
    private const string SapphireRapids = "intel-sapphirerapids-806f8"; // XFD (0xD.1 EAX bit 4), AMX
    private const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrUCet = 0x6A0;
    private const long Einval = -(long)Errno.EINVAL;

    private static long Result(IReadOnlyList<Properties.Comparison.KernelStep> steps, int i) => steps[i].Outcome!.Result;

    /// <summary>The usual guest table (leaf 1, 7, 0xD.0, 0xD.1) with the entry (function, index) moved to the front.</summary>
    private static List<CpuidEntry> First(uint function, uint index, List<CpuidEntry> table)
    {
        var moved = table.Single(e => e.Function == function && e.Index == index);
        return [moved, .. table.Where(e => e != moved)];
    }

    private static List<CpuidEntry> CetGuest(uint sub1Eax = 0xF) =>
        KvmInputs.GuestCpuid(0x2E7, sub1Eax, xss: 0x1800, shstk: true, ibt: true, leaf1Eax: 0x806C1);

    /// <summary>R78: a 0x80000008 entry alone, first, with a 40-bit virtual-address width is -EINVAL.</summary>
    [Fact]
    public void BadVirtualAddressWidth_InTheFirstEntry_IsEinval()
    {
        var ext8 = new CpuidEntry(0x80000008, 0, new CpuidRegs(0x2827, 0, 0, 0)); // 39 physical, 40 virtual bits
        List<CpuidEntry> table = [ext8, .. CetGuest()];
        var steps = KernelDifferential.Run(TigerLake, new VcpuCreateOp(1), new SetCpuid2Op(0, table), new GetCpuid2Op(0));
        Assert.Equal(Einval, Result(steps, 1));
    }

    /// <summary>
    /// R79/R82: with 0xD.1 first, guest_supported_xss and the guest's XSAVES still come from it: IA32_XSS takes CET_U.
    /// R77: and its EBX is KVM's compacted size (read back with KVM_GET_CPUID2).
    /// </summary>
    [Fact]
    public void Sub1First_StillGivesXssAndItsRuntimeSize()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, First(0xD, 1, CetGuest())), new GetCpuid2Op(0),
            new SetMsrOp(0, MsrXss, 0x800), new GetMsrOp(0, MsrXss), new GetCpuid2Op(0));
        Assert.Equal(0, Result(steps, 1));
        Assert.Equal(1, Result(steps, 3));
        // xstate_required_size(x87 | CET_U, compacted) = 576 + 16 (the oracle's; 0 in the table given)
        Assert.Equal(592u, steps[5].Outcome!.Cpuid!.Single(e => e.Function == 0xD && e.Index == 1).Regs.Ebx);
    }

    /// <summary>R79/R83: with 0xD.1 first on an XFD host, the guest has XFD: its WRMSR(IA32_XFD, 0) completes.</summary>
    [Fact]
    public void Sub1First_StillGivesGuestXfd()
    {
        var table = First(0xD, 1, KvmInputs.GuestCpuid(0x2E7, 0x1F));
        var steps = KernelDifferential.Run(SapphireRapids,
            new VcpuCreateOp(1), new SetCpuid2Op(0, table), new KvmRunOp(0, [new GuestWrmsr(MsrXfd, 0)]));
        Assert.Equal(0, Result(steps, 1));
        Assert.Equal([GuestExit.Completed], steps[2].Outcome!.Exits!);
    }

    /// <summary>
    /// R79/R84: with leaf 7 first the guest still has SHSTK and IBT: U_CET takes a shadow-stack enable and an IBT
    /// enable (kvm_is_valid_u_s_cet).
    /// </summary>
    [Fact]
    public void Leaf7First_StillGivesShstkAndIbt()
    {
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, First(7, 0, CetGuest())),
            new SetMsrOp(0, MsrUCet, 1), new SetMsrOp(0, MsrUCet, 1UL << 2), new GetMsrOp(0, MsrUCet));
        Assert.Equal(1, Result(steps, 2));
        Assert.Equal(1, Result(steps, 3));
    }

    /// <summary>
    /// R79/R82: a guest CPUID without CPUID.1:ECX.XSAVE on an XSAVE host has no XSAVE, hence no XSAVES (KVM gives XSAVES
    /// only with XSAVE), so IA32_XSS refuses CET_U although 0xD.1 asks for XSAVES.
    /// </summary>
    [Fact]
    public void GuestWithoutXsave_GetsNoXsaves()
    {
        var table = CetGuest();
        table[0] = table[0] with { Regs = table[0].Regs with { Ecx = 0 } };
        var steps = KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, table), new SetMsrOp(0, MsrXss, 0x800));
        Assert.Equal(0, Result(steps, 1));
        Assert.Equal(0, Result(steps, 2));
    }
}
