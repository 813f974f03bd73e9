namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// How KVM finds the guest CPUID entries it reads (R78, R79), expected values from arch/x86/kvm/cpuid.c:
/// kvm_find_cpuid_entry2 returns an entry without KVM_CPUID_FLAG_SIGNIFCANT_INDEX for any index, and for
/// kvm_find_cpuid_entry (KVM_CPUID_INDEX_NOT_SIGNIFICANT) the first entry of the function whatever its flags;
/// kvm_vcpu_ioctl_set_cpuid2 keeps userspace's flags. Lookups: kvm_check_cpuid 0x80000008 (any index) and (0xD, 0);
/// cpuid_get_supported_xcr0/xss (0xD, 0)/(0xD, 1); guest capabilities by reverse_cpuid: (1, 0) XSAVE, (0xD, 1) XSAVES,
/// (7, 0) SHSTK. The Zen 5 host (KO §1a): supported XCR0 0xE7, XSS 0x1800, XSAVES and CET_SS.
/// </summary>
public class KvmCpuidLookupTests
{
    private const uint S = KvmCpuidEntry2.SignificantIndex;
    private const uint Xsave = 1u << 26, Shstk = 1u << 7;

    private static KvmCpuidEntry2 E(uint function, uint index, uint flags, uint eax = 0, uint ecx = 0, uint edx = 0) =>
        new(function, index, flags, eax, 0, ecx, edx);

    /// <summary>kvm_check_cpuid: kvm_find_cpuid_entry(vcpu, 0x80000008) — the entry's index 1 and its flags do not
    /// hide it, so a 40-bit virtual-address width is -EINVAL and 48 bits is accepted.</summary>
    [Theory]
    [InlineData(0u)]
    [InlineData(S)]
    public void SetCpuid2_VirtualAddressWidth_IsCheckedAtAnyIndex_R78(uint flags)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Fails(Errno.EINVAL, vcpu.SetCpuid2([E(0x80000008, 1, flags, eax: 40u << 8 | 39u)]));
        Assert.Empty(vcpu.Cpuid.Entries);
        Ok(vcpu.SetCpuid2([E(0x80000008, 1, flags, eax: 48u << 8 | 39u)]));
    }

    /// <summary>The first 0x80000008 entry decides, whatever its index: (index 1, 40 bits) before (index 0, 48 bits)
    /// is -EINVAL, the other order is accepted.</summary>
    [Fact]
    public void SetCpuid2_VirtualAddressWidth_FirstEntryOfTheFunctionDecides_R78()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Fails(Errno.EINVAL, vcpu.SetCpuid2([E(0x80000008, 1, 0, eax: 40u << 8), E(0x80000008, 0, 0, eax: 48u << 8)]));
        Ok(vcpu.SetCpuid2([E(0x80000008, 0, 0, eax: 48u << 8), E(0x80000008, 1, 0, eax: 40u << 8)]));
    }

    /// <summary>Guest XSAVE is looked up as (1, 0): an unflagged leaf 1 entry at index 1 answers it (and XSAVES, which
    /// needs XSAVE, follows); the same entry flagged index-significant does not.</summary>
    [Theory]
    [InlineData(0u, true)]
    [InlineData(S, false)]
    public void GuestXsave_FromLeaf1AtIndex1_UnlessFlaggedSignificant_R79(uint leaf1Flags, bool expected)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2([E(0xD, 0, S, eax: 0xE7), E(0xD, 1, S, eax: 0xF), E(1, 1, leaf1Flags, ecx: Xsave)]));
        Assert.Equal(expected, vcpu.Cpuid.GuestHasXsave);
        Assert.Equal(expected, vcpu.Cpuid.GuestHasXsaves);
    }

    /// <summary>Leaf 7 is indexed: SHSTK in a flagged 7.1 entry is not 7.0's; in a flagged 7.0 entry it is.</summary>
    [Theory]
    [InlineData(1u, false)]
    [InlineData(0u, true)]
    public void GuestShstk_OnlyFromLeaf7Index0_R79(uint index, bool expected)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2([E(7, index, S, ecx: Shstk)]));
        Assert.Equal(expected, vcpu.Cpuid.GuestHasShstk);
    }

    /// <summary>Leaf 0xD is indexed: a table whose only 0xD entry is sub-leaf 1 has no guest_supported_xcr0, and
    /// XCR0 = 0x7 is refused (R80); sub-leaf 0 after sub-leaf 1 is still found by its index.</summary>
    [Fact]
    public void Leaf0D_IsLookedUpByIndex_R79()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2([E(0xD, 1, S, eax: 0xE7, ecx: 0x1800)]));
        Assert.Equal(0UL, vcpu.Cpuid.GuestSupportedXcr0.Bits);
        Assert.Equal(0x1800UL, vcpu.Cpuid.GuestSupportedXss.Bits);
        Fails(Errno.EINVAL, vcpu.SetXcrs(new KvmXcrs(0, [new KvmXcr(0, 0x7)])));

        Ok(vcpu.SetCpuid2([E(0xD, 1, S, eax: 0xF, ecx: 0x1800), E(0xD, 0, S, eax: 0x7)]));
        Assert.Equal(0x7UL, vcpu.Cpuid.GuestSupportedXcr0.Bits);
        Assert.Equal(0x1800UL, vcpu.Cpuid.GuestSupportedXss.Bits);
        Ok(vcpu.SetXcrs(new KvmXcrs(0, [new KvmXcr(0, 0x7)])));
    }

    /// <summary>The contract's entries have no flags; they stand for SIGNIFCANT_INDEX exactly on
    /// cpuid_function_is_indexed's functions (arch/x86/include/asm/cpuid/api.h).</summary>
    [Theory]
    [InlineData(0x4u, true)] [InlineData(0x7u, true)] [InlineData(0xBu, true)] [InlineData(0xDu, true)]
    [InlineData(0xFu, true)] [InlineData(0x10u, true)] [InlineData(0x12u, true)] [InlineData(0x14u, true)]
    [InlineData(0x17u, true)] [InlineData(0x18u, true)] [InlineData(0x1Du, true)] [InlineData(0x1Eu, true)]
    [InlineData(0x1Fu, true)] [InlineData(0x24u, true)] [InlineData(0x8000001Du, true)]
    [InlineData(0x0u, false)] [InlineData(0x1u, false)] [InlineData(0x2u, false)] [InlineData(0x6u, false)]
    [InlineData(0xAu, false)] [InlineData(0x19u, false)] [InlineData(0x1Au, false)] [InlineData(0x23u, false)]
    [InlineData(0x25u, false)] [InlineData(0x40000000u, false)] [InlineData(0x80000001u, false)]
    [InlineData(0x80000008u, false)] [InlineData(0x8000001Eu, false)] [InlineData(0x8000001Cu, false)]
    public void ContractEntry_IsFlaggedExactlyForIndexedFunctions(uint function, bool indexed)
    {
        var e = KvmCpuidEntry2.FromUser(function, 3, 1, 2, 3, 4);
        Assert.Equal(indexed ? S : 0u, e.Flags);
        Assert.Equal((function, 3u, 1u, 2u, 3u, 4u), (e.Function, e.Index, e.Eax, e.Ebx, e.Ecx, e.Edx));
    }
}
