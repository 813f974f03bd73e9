using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The guest CPUID of one vCPU (R77-R79): KVM_SET_CPUID2, KVM_GET_CPUID2 and the values kvm_vcpu_after_set_cpuid
/// derives from the table (guest_supported_xcr0/xss, the guest capabilities).
/// </summary>
public sealed class VcpuCpuid
{
    private readonly Vcpu _vcpu;
    private KvmCpuidEntry2[] _cpuid = [];

    internal VcpuCpuid(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>vcpu->arch.cpuid_dynamic_bits_dirty: XCR0 or XSS changed since the runtime bits were last computed.</summary>
    internal bool DynamicBitsDirty { get; set; }

    /// <summary>vcpu->arch.cpuid_entries as stored (runtime bits as of their last update).</summary>
    public ReadOnlySpan<KvmCpuidEntry2> Entries => _cpuid;

    /// <summary>vcpu->arch.guest_supported_xcr0 / guest_supported_xss (R79).</summary>
    public ulong GuestSupportedXcr0 { get; private set; }
    public ulong GuestSupportedXss { get; private set; }

    public GuestCaps GuestCaps { get; private set; }

    internal bool Has(GuestCaps c) => (GuestCaps & c) != 0;

    /// <summary>
    /// R78 KVM_SET_CPUID2: more than KVM_MAX_CPUID_ENTRIES -> -E2BIG; once the vCPU has run, only the current table
    /// (after runtime fix-ups of the incoming one) is accepted, else -EINVAL; otherwise kvm_check_cpuid then
    /// kvm_vcpu_after_set_cpuid. On error the old table stays.
    /// </summary>
    public long SetCpuid2(TaskGroup group, IReadOnlyList<CpuidEntry> entries)
    {
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        if (entries.Count > KvmAbi.MaxCpuidEntries) return Vcpu.Errors.E2BIG;

        // The ioctl's own copy of the user array (kvm_set_cpuid2 -> vmemdup_array_user), flags as userspace gave them:
        // the contract's flag-less entries carry SIGNIFCANT_INDEX exactly on the indexed functions.
        var incoming = new KvmCpuidEntry2[entries.Count];
        for (int k = 0; k < incoming.Length; k++)
        {
            var e = entries[k];
            incoming[k] = new KvmCpuidEntry2(e.Function, e.Index, KvmAbi.CpuidUserFlags(e.Function),
                e.Regs.Eax, e.Regs.Ebx, e.Regs.Ecx, e.Regs.Edx);
        }

        if (_vcpu.HasRun)
        {
            // R78/H24 kvm_set_cpuid (Dec-2025 fix): a table left dirty by XSETBV/XSS writes is refreshed before the
            // compare; the unfixed 6.14+ kernel skips this and refuses the VMM's original table.
            if (DynamicBitsDirty && _vcpu.Boot.Config.CpuidSetRefreshesCurrent)
            {
                UpdateCpuidRuntime(_cpuid);
                DynamicBitsDirty = false;
            }
            // R78 kvm_cpuid_check_equal: the runtime bits are KVM's, recomputed on the incoming table too.
            UpdateCpuidRuntime(incoming);
            return incoming.AsSpan().SequenceEqual(_cpuid) ? 0 : Vcpu.Errors.EINVAL;
        }

        long check = CheckCpuid(group, incoming);
        if (check != 0) return check;

        _cpuid = incoming;
        AfterSetCpuid();
        return 0;
    }

    /// <summary>
    /// KVM_GET_CPUID2 with room for <paramref name="nent"/> entries: -E2BIG when too small; pending runtime fix-ups
    /// are applied first (R77).
    /// </summary>
    public long GetCpuid2(int nent, out KvmCpuidEntry2[] entries)
    {
        entries = [];
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        if (nent < _cpuid.Length) return Vcpu.Errors.E2BIG;
        if (DynamicBitsDirty)
        {
            UpdateCpuidRuntime(_cpuid);
            DynamicBitsDirty = false;
        }
        entries = (KvmCpuidEntry2[])_cpuid.Clone();
        return 0;
    }

    /// <summary>R78 kvm_check_cpuid.</summary>
    private long CheckCpuid(TaskGroup group, ReadOnlySpan<KvmCpuidEntry2> table)
    {
        // R78: the virtual-address width must be 48 or 57 bits (or not given); kvm_find_cpuid_entry takes the first
        // 0x80000008 entry at any index.
        int ext8 = KvmCpuidEntry2.FindFirst(table, 0x80000008);
        if (ext8 >= 0)
        {
            uint vaddrBits = (table[ext8].Eax & 0xFF00) >> 8;
            if (vaddrBits != 48 && vaddrBits != 57 && vaddrBits != 0) return Vcpu.Errors.EINVAL;
        }

        // R78: dynamic features in 0xD.0 need the larger guest buffer: -EPERM without the guest permission.
        int sub0 = KvmCpuidEntry2.Find(table, 0xD, 0);
        if (sub0 < 0) return 0;
        ulong dynamic = ((ulong)table[sub0].Edx << 32 | table[sub0].Eax) & KvmAbi.UserDynamic;
        if (dynamic == 0) return 0;
        return FpstateOps.EnableGuestXfdFeatures(_vcpu.Boot, group, _vcpu.Fpu.GuestFpu, dynamic);
    }

    /// <summary>
    /// R79 kvm_vcpu_after_set_cpuid: guest_supported_xcr0/xss = the guest's 0xD entries masked by KVM's support (0
    /// without them); the guest capabilities = guest CPUID bits that KVM can offer (XSAVES only with XSAVE); then the
    /// runtime fix-ups.
    /// </summary>
    private void AfterSetCpuid()
    {
        var caps = _vcpu.Kvm.Caps;
        ReadOnlySpan<KvmCpuidEntry2> t = _cpuid;
        int sub0 = KvmCpuidEntry2.Find(t, 0xD, 0);
        int sub1 = KvmCpuidEntry2.Find(t, 0xD, 1);
        // R79, reverse_cpuid's lookups: (1, 0) for XSAVE, (7, 0) for SHSTK/IBT, (0xD, 1) for XSAVES/XFD; an unflagged
        // (non-indexed) leaf 1 entry answers for index 0 whatever its own index.
        int leaf1 = KvmCpuidEntry2.Find(t, 1, 0);
        int leaf7 = KvmCpuidEntry2.Find(t, 7, 0);

        GuestSupportedXcr0 = sub0 < 0 ? 0 : ((ulong)t[sub0].Edx << 32 | t[sub0].Eax) & caps.SupportedXcr0;
        GuestSupportedXss = sub1 < 0 ? 0 : ((ulong)t[sub1].Edx << 32 | t[sub1].Ecx) & caps.SupportedXss;

        var g = GuestCaps.None;
        if (leaf1 >= 0 && (t[leaf1].Ecx & KvmAbi.Leaf1EcxXsave) != 0 && caps.HostXsave) g |= GuestCaps.Xsave;
        if (sub1 >= 0 && (t[sub1].Eax & KvmAbi.Leaf0D1Xsaves) != 0 && caps.Xsaves && (g & GuestCaps.Xsave) != 0) g |= GuestCaps.Xsaves;
        if (sub1 >= 0 && (t[sub1].Eax & KvmAbi.Leaf0D1Xfd) != 0 && caps.Xfd) g |= GuestCaps.Xfd;
        if (leaf7 >= 0 && (t[leaf7].Ecx & KvmAbi.Leaf7EcxShstk) != 0 && caps.Shstk) g |= GuestCaps.Shstk;
        if (leaf7 >= 0 && (t[leaf7].Edx & KvmAbi.Leaf7EdxIbt) != 0 && caps.Ibt) g |= GuestCaps.Ibt;
        GuestCaps = g;

        UpdateCpuidRuntime(_cpuid);
        DynamicBitsDirty = false;
    }

    /// <summary>
    /// R77 kvm_update_cpuid_runtime, the XSAVE part: 0xD.0 EBX = standard size of XCR0; 0xD.1 EBX = compacted size of
    /// XCR0 | XSS when 0xD.1 EAX has XSAVES or XSAVEC. (OSXSAVE/OSPKE mirror CR4, which is not modelled.)
    /// </summary>
    private void UpdateCpuidRuntime(Span<KvmCpuidEntry2> table)
    {
        int sub0 = KvmCpuidEntry2.Find(table, 0xD, 0);
        if (sub0 >= 0)
            table[sub0] = table[sub0] with { Ebx = KvmXstateSize.Required(_vcpu.Boot.Tables, _vcpu.Xcrs.Xcr0, compacted: false) };

        int sub1 = KvmCpuidEntry2.Find(table, 0xD, 1);
        if (sub1 >= 0 && (table[sub1].Eax & (KvmAbi.Leaf0D1Xsaves | KvmAbi.Leaf0D1Xsavec)) != 0)
            table[sub1] = table[sub1] with { Ebx = KvmXstateSize.Required(_vcpu.Boot.Tables, _vcpu.Xcrs.Xcr0 | _vcpu.Msrs.Xss, compacted: true) };
    }
}
