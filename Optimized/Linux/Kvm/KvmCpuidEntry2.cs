namespace Xsave.Optimized.Linux.Kvm;

/// <summary>struct kvm_cpuid_entry2 as KVM stores it in vcpu->arch.cpuid_entries.</summary>
public readonly record struct KvmCpuidEntry2(uint Function, uint Index, uint Flags, uint Eax, uint Ebx, uint Ecx, uint Edx)
{
    /// <summary>kvm_find_cpuid_entry2's match for an index lookup: the function, and the index when the entry says it
    /// is significant.</summary>
    public bool Matches(uint function, uint index) =>
        Function == function && ((Flags & KvmAbi.CpuidFlagSignificantIndex) == 0 || Index == index);

    /// <summary>The first entry of <paramref name="table"/> matching, or -1 (kvm_find_cpuid_entry_index).</summary>
    public static int Find(ReadOnlySpan<KvmCpuidEntry2> table, uint function, uint index)
    {
        for (int k = 0; k < table.Length; k++)
            if (table[k].Matches(function, index)) return k;
        return -1;
    }

    /// <summary>
    /// kvm_find_cpuid_entry (index KVM_CPUID_INDEX_NOT_SIGNIFICANT): kvm_find_cpuid_entry2 returns the first entry of
    /// the function whether or not its flags call the index significant; -1 when there is none.
    /// </summary>
    public static int FindFirst(ReadOnlySpan<KvmCpuidEntry2> table, uint function)
    {
        for (int k = 0; k < table.Length; k++)
            if (table[k].Function == function) return k;
        return -1;
    }
}
