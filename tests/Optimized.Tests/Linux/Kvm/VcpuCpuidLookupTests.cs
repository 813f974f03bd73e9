using static Xsave.Optimized.Tests.Linux.Kvm.KvmHost;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// Which guest CPUID entry KVM reads (R78, R79), expected values from arch/x86/kvm/cpuid.c: kvm_find_cpuid_entry
/// (0x80000008 in kvm_check_cpuid) takes the first entry of the function at any index; kvm_find_cpuid_entry_index
/// skips an entry only when it is flagged index-significant with another index. The contract's entries are flagged
/// exactly on cpuid_function_is_indexed's functions, so leaf 1 and 0x80000008 count at any index while 7 and 0xD do
/// not. The Zen 5 host (KO §1a): supported XCR0 0xE7, XSS 0x1800, XSAVES, CET_SS.
/// </summary>
public class VcpuCpuidLookupTests
{
    private const uint Xsave = 1u << 26, Shstk = 1u << 7;

    private static KvmHost Zen5() => new(ObservedHost.Zen5());

    private static CpuidEntry E(uint function, uint index, uint eax = 0, uint ecx = 0) => new(function, index, new CpuidRegs(eax, 0, ecx, 0));

    [Fact]
    public void SetCpuid2_VirtualAddressWidthAtIndex1_IsChecked_R78()
    {
        var host = Zen5();
        host.NewVcpu();
        Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, [E(0x80000008, 1, eax: 40u << 8 | 39u)])));
        Assert.Equal(0, host.R(new SetCpuid2Op(0, [E(0x80000008, 1, eax: 48u << 8 | 39u)])));
        Assert.Equal(0, host.R(new SetCpuid2Op(0, [E(0x80000008, 5, eax: 57u << 8 | 52u)])));
    }

    [Fact]
    public void SetCpuid2_VirtualAddressWidth_FirstEntryOfTheFunctionDecides_R78()
    {
        var host = Zen5();
        host.NewVcpu();
        Assert.Equal(EINVAL, host.R(new SetCpuid2Op(0, [E(0x80000008, 1, eax: 40u << 8), E(0x80000008, 0, eax: 48u << 8)])));
        Assert.Equal(0, host.R(new SetCpuid2Op(0, [E(0x80000008, 0, eax: 48u << 8), E(0x80000008, 1, eax: 40u << 8)])));
    }

    /// <summary>reverse_cpuid CPUID_1_ECX = (1, 0): leaf 1 is not indexed, so XSAVE at index 1 is the guest's, XSAVES
    /// (which needs it) follows, and the guest's RDMSR(IA32_XSS) completes (R82).</summary>
    [Fact]
    public void GuestXsave_FromLeaf1AtIndex1_R79()
    {
        var host = Zen5();
        host.NewVcpu([E(0xD, 0, eax: 0xE7), E(0xD, 1, eax: 0xF), E(1, 1, ecx: Xsave)]);
        var caps = host.Kernel.Kvm.FindVcpu(0)!.Cpuid.GuestCaps;
        Assert.Equal(GuestCaps.Xsave | GuestCaps.Xsaves, caps & (GuestCaps.Xsave | GuestCaps.Xsaves));
        var run = host.Do(new KvmRunOp(0, [new GuestRdmsr(MsrXss)]));
        Assert.Equal(new[] { "value=0x0" }, run.Exits!.Select(e => e.ToString()));
    }

    /// <summary>Leaf 7 is indexed: SHSTK in 7.1 is not 7.0's.</summary>
    [Theory]
    [InlineData(1u, false)]
    [InlineData(0u, true)]
    public void GuestShstk_OnlyFromLeaf7Index0_R79(uint index, bool expected)
    {
        var host = Zen5();
        host.NewVcpu([E(7, index, ecx: Shstk)]);
        Assert.Equal(expected, (host.Kernel.Kvm.FindVcpu(0)!.Cpuid.GuestCaps & GuestCaps.Shstk) != 0);
    }

    /// <summary>Leaf 0xD is indexed: a lone 0xD.1 gives guest_supported_xcr0 = 0 (XCR0 0x7 refused, R80); 0xD.0 after
    /// 0xD.1 is found by its index.</summary>
    [Fact]
    public void Leaf0D_IsLookedUpByIndex_R79()
    {
        var host = Zen5();
        host.NewVcpu([E(0xD, 1, eax: 0xE7, ecx: 0x1800)]);
        Assert.Equal(0UL, host.Vcpu(0).GuestSupportedXcr0.Bits);
        Assert.Equal(0x1800UL, host.Vcpu(0).GuestSupportedXss.Bits);
        Assert.Equal(EINVAL, host.R(new SetXcrsOp(0, 0, [new(0, 0x7)])));

        Assert.Equal(0, host.R(new SetCpuid2Op(0, [E(0xD, 1, eax: 0xF, ecx: 0x1800), E(0xD, 0, eax: 0x7)])));
        Assert.Equal(0x7UL, host.Vcpu(0).GuestSupportedXcr0.Bits);
        Assert.Equal(0x1800UL, host.Vcpu(0).GuestSupportedXss.Bits);
        Assert.Equal(0, host.R(new SetXcrsOp(0, 0, [new(0, 0x7)])));
    }

    /// <summary>cpuid_function_is_indexed (arch/x86/include/asm/cpuid/api.h) decides the flag a contract entry stands
    /// for; KVM_GET_CPUID2 hands the entries back in the same form.</summary>
    [Theory]
    [InlineData(0x4u, true)] [InlineData(0x7u, true)] [InlineData(0xBu, true)] [InlineData(0xDu, true)]
    [InlineData(0xFu, true)] [InlineData(0x10u, true)] [InlineData(0x12u, true)] [InlineData(0x14u, true)]
    [InlineData(0x17u, true)] [InlineData(0x18u, true)] [InlineData(0x1Du, true)] [InlineData(0x1Eu, true)]
    [InlineData(0x1Fu, true)] [InlineData(0x24u, true)] [InlineData(0x8000001Du, true)]
    [InlineData(0x0u, false)] [InlineData(0x1u, false)] [InlineData(0x2u, false)] [InlineData(0x6u, false)]
    [InlineData(0xAu, false)] [InlineData(0x19u, false)] [InlineData(0x1Au, false)] [InlineData(0x23u, false)]
    [InlineData(0x25u, false)] [InlineData(0x40u, false)] [InlineData(0x44u, false)] [InlineData(0x40000000u, false)]
    [InlineData(0x80000001u, false)] [InlineData(0x80000008u, false)] [InlineData(0x8000001Eu, false)]
    [InlineData(0x8000001Cu, false)] [InlineData(0x8000000Du, false)]
    public void StoredEntry_IsFlaggedExactlyForIndexedFunctions(uint function, bool indexed)
    {
        var host = Zen5();
        host.NewVcpu([E(function, 3, eax: 0x3000)]);
        var stored = host.Kernel.Kvm.FindVcpu(0)!.Cpuid.Entries[0];
        Assert.Equal(indexed ? 1u : 0u, stored.Flags);
        var back = host.Do(new GetCpuid2Op(0, 256)).Cpuid!.Single();
        Assert.Equal((function, 3u, 0x3000u), (back.Function, back.Index, back.Regs.Eax));
    }
}
