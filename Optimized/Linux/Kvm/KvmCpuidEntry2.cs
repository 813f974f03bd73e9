namespace Xsave.Optimized.Linux.Kvm;

/// <summary>struct kvm_cpuid_entry2 as KVM stores it in vcpu->arch.cpuid_entries.</summary>
public readonly record struct KvmCpuidEntry2(uint Function, uint Index, uint Flags, uint Eax, uint Ebx, uint Ecx, uint Edx)
{
    /// <summary>cpuid_entry2_find's match: the function, and the index when it is significant.</summary>
    public bool Matches(uint function, uint index) =>
        Function == function && ((Flags & KvmAbi.CpuidFlagSignificantIndex) == 0 || Index == index);

    /// <summary>The first entry of <paramref name="table"/> matching, or -1 (kvm_find_cpuid_entry_index).</summary>
    public static int Find(ReadOnlySpan<KvmCpuidEntry2> table, uint function, uint index)
    {
        for (int k = 0; k < table.Length; k++)
            if (table[k].Matches(function, index)) return k;
        return -1;
    }
}
