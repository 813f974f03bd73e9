namespace Xsave.Oracle.Linux.Kvm;

/// <summary>struct kvm_cpuid_entry2: one CPUID leaf/sub-leaf as KVM exchanges it with userspace.</summary>
public sealed record KvmCpuidEntry2(uint Function, uint Index, uint Flags, uint Eax, uint Ebx, uint Ecx, uint Edx)
{
    /// <summary>KVM_CPUID_FLAG_SIGNIFCANT_INDEX (sic): the entry applies to its Index only.</summary>
    public const uint SignificantIndex = 1;

    /// <summary>KVM_MAX_CPUID_ENTRIES.</summary>
    public const int MaxEntries = 256;

    /// <summary>A leaf 0xD sub-leaf as KVM reports it (index significant).</summary>
    public static KvmCpuidEntry2 Leaf0D(uint index, uint eax, uint ebx, uint ecx, uint edx) =>
        new(0xD, index, SignificantIndex, eax, ebx, ecx, edx);

    /// <summary>
    /// An entry of the contract's KVM_SET_CPUID2 table. kvm_vcpu_ioctl_set_cpuid2 keeps userspace's flags as they are;
    /// the contract's entries have none and stand for entries flagged exactly when the function is indexed, as
    /// KVM_GET_SUPPORTED_CPUID reports them (do_host_cpuid) and QEMU passes them (kvm_x86_build_cpuid) for the leaves
    /// KVM reads here (1, 7, 0xD, 0x80000008). Which entry R78's and R79's lookups find depends on these flags.
    /// </summary>
    public static KvmCpuidEntry2 FromUser(uint function, uint index, uint eax, uint ebx, uint ecx, uint edx) =>
        new(function, index, FunctionIsIndexed(function) ? SignificantIndex : 0, eax, ebx, ecx, edx);

    /// <summary>
    /// cpuid_function_is_indexed (arch/x86/include/asm/cpuid/api.h): the functions whose output depends on ECX —
    /// deterministic cache parameters, structured extended features, topology, XSAVE, RDT, SGX, PT, SoC vendor,
    /// deterministic address translation, AMX tile/TMUL, V2 topology, AVX10, AMD cache topology.
    /// </summary>
    public static bool FunctionIsIndexed(uint function) => function switch
    {
        0x4 or 0x7 or 0xB or 0xD or 0xF or 0x10 or 0x12 or 0x14 or 0x17 or 0x18 or 0x1D or 0x1E or 0x1F or 0x24 => true,
        0x8000001D => true,
        _ => false,
    };

    /// <summary>kvm_find_cpuid_entry_index's match (kvm_find_cpuid_entry2): same function, and same index unless the
    /// entry's index is not significant.</summary>
    public bool Matches(uint function, uint index) =>
        Function == function && ((Flags & SignificantIndex) == 0 || Index == index);
}
