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

    /// <summary>cpuid_entry2_find's match: same function, and same index unless the index is not significant.</summary>
    public bool Matches(uint function, uint index) =>
        Function == function && ((Flags & SignificantIndex) == 0 || Index == index);
}
