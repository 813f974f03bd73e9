using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// KVM_SET_CPUID2 entries at an index KVM does or does not look at. A contract entry stands for a kvm_cpuid_entry2 with
/// KVM_CPUID_FLAG_SIGNIFCANT_INDEX exactly on cpuid_function_is_indexed's functions; kvm_find_cpuid_entry2 matches an
/// unflagged entry at any index, and kvm_find_cpuid_entry (0x80000008 in kvm_check_cpuid) the first entry of the
/// function. So leaf 1 and 0x80000008 count at index 1, leaves 7 and 0xD only at the index looked up. Each sequence
/// runs on the optimized implementation and the oracle step by step (KernelDifferential); the oracle's result of the
/// step in question is pinned. R78 kvm_check_cpuid, R79 kvm_vcpu_after_set_cpuid, R80, R82, R84.
/// </summary>
public class KvmCpuidIndexTests
{
    private const string TigerLake = "intel-tigerlake-806c1"; // SHSTK, IBT, CET_U|CET_S in XSS, XSAVES, no XFD
    private const uint MsrXss = 0xDA0, MsrUCet = 0x6A0;
    private const long Einval = -(long)Errno.EINVAL;

    private static long Result(IReadOnlyList<Properties.Comparison.KernelStep> steps, int i) => steps[i].Outcome!.Result;

    private static CpuidEntry E(uint function, uint index, uint eax = 0, uint ecx = 0, uint edx = 0) =>
        new(function, index, new CpuidRegs(eax, 0, ecx, edx));

    /// <summary>R78: the only 0x80000008 entry has index 1 and a 40-bit virtual-address width: -EINVAL.</summary>
    [Fact]
    public void VirtualAddressWidth_AtIndex1_IsEinval()
    {
        var steps = KernelDifferential.Run(TigerLake, new VcpuCreateOp(1),
            new SetCpuid2Op(0, [E(0x80000008, 1, eax: 0x2827)]), new SetCpuid2Op(0, [E(0x80000008, 1, eax: 0x3027)]));
        Assert.Equal(Einval, Result(steps, 1));
        Assert.Equal(0, Result(steps, 2));
    }

    /// <summary>R79/R82: CPUID.1:ECX.XSAVE in a leaf 1 entry at index 1 is the guest's XSAVE, so 0xD.1's XSAVES holds
    /// and IA32_XSS takes CET_U.</summary>
    [Fact]
    public void Leaf1AtIndex1_GivesXsave()
    {
        var steps = KernelDifferential.Run(TigerLake, new VcpuCreateOp(1),
            new SetCpuid2Op(0, [E(1, 1, ecx: 1u << 26), E(0xD, 0, eax: 0x2E7), E(0xD, 1, eax: 0xF, ecx: 0x1800)]),
            new SetMsrOp(0, MsrXss, 0x800), new GetMsrOp(0, MsrXss));
        Assert.Equal(0, Result(steps, 1));
        Assert.Equal(1, Result(steps, 2));
    }

    /// <summary>R79/R84: leaf 7 is indexed: SHSTK and IBT in 7.1 are not the guest's, U_CET refuses both enables; in
    /// 7.0 they are.</summary>
    [Theory]
    [InlineData(1u, 0L)]
    [InlineData(0u, 1L)]
    public void Leaf7_CountsOnlyAtIndex0(uint index, long written)
    {
        var steps = KernelDifferential.Run(TigerLake, new VcpuCreateOp(1),
            new SetCpuid2Op(0, [E(1, 0, ecx: 1u << 26), E(7, index, ecx: 1u << 7, edx: 1u << 20),
                E(0xD, 0, eax: 0x2E7), E(0xD, 1, eax: 0xF, ecx: 0x1800)]),
            new SetMsrOp(0, MsrUCet, 1), new SetMsrOp(0, MsrUCet, 1UL << 2));
        Assert.Equal(written, Result(steps, 2));
        Assert.Equal(written, Result(steps, 3));
    }

    /// <summary>R79/R80: leaf 0xD is indexed: a lone 0xD.1 gives guest_supported_xcr0 = 0, XCR0 0x7 is -EINVAL.</summary>
    [Fact]
    public void Leaf0DSub1Alone_GivesNoGuestXcr0()
    {
        var steps = KernelDifferential.Run(TigerLake, new VcpuCreateOp(1),
            new SetCpuid2Op(0, [E(0xD, 1, eax: 0x2E7)]), new SetXcrsOp(0, 0, [new XcrEntry(0, 0x7)]));
        Assert.Equal(0, Result(steps, 1));
        Assert.Equal(Einval, Result(steps, 2));
    }
}
