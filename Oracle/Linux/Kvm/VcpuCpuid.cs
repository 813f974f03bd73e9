using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// The guest CPUID of one vCPU (R77-R79): KVM_SET_CPUID2, KVM_GET_CPUID2 and what kvm_vcpu_after_set_cpuid derives
/// from the table (guest_supported_xcr0/xss, the guest capabilities).
/// </summary>
public sealed class VcpuCpuid
{
    private readonly Vcpu _vcpu;
    private List<KvmCpuidEntry2> _cpuid = [];

    internal VcpuCpuid(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>vcpu->arch.cpuid_entries as last stored (runtime fix-ups applied when they were last computed).</summary>
    public IReadOnlyList<KvmCpuidEntry2> Entries => _cpuid;

    /// <summary>vcpu->arch.cpuid_dynamic_bits_dirty: XCR0 or XSS changed since the last runtime fix-up (R77).</summary>
    public bool DynamicBitsDirty { get; internal set; }

    /// <summary>vcpu->arch.guest_supported_xcr0 (R79).</summary>
    public FeatureMask GuestSupportedXcr0 { get; private set; }

    /// <summary>vcpu->arch.guest_supported_xss (R79).</summary>
    public FeatureMask GuestSupportedXss { get; private set; }

    // guest_cpu_cap_has(): the guest CPUID bit and KVM's cap, as computed by kvm_vcpu_after_set_cpuid.
    public bool GuestHasXsave { get; private set; }
    public bool GuestHasXsaves { get; private set; }
    public bool GuestHasXfd { get; private set; }
    public bool GuestHasShstk { get; private set; }
    public bool GuestHasIbt { get; private set; }

    /// <summary>
    /// R78 KVM_SET_CPUID2: more than KVM_MAX_CPUID_ENTRIES -> -E2BIG; after the first KVM_RUN the table must equal the
    /// current one once runtime fix-ups are applied to both, else -EINVAL; otherwise kvm_check_cpuid (virtual-address width,
    /// then the dynamic xfeatures of 0xD.0 enabled in the guest FPU: -EPERM without ARCH_REQ_XCOMP_GUEST_PERM) and
    /// kvm_vcpu_after_set_cpuid (R79). On any error the previous table stays.
    /// </summary>
    public KResult SetCpuid2(IReadOnlyList<KvmCpuidEntry2> entries)
    {
        if (_vcpu.Dead) return Errno.EIO;
        if (entries.Count > KvmCpuidEntry2.MaxEntries) return Errno.E2BIG;

        var incoming = entries.ToList();
        if (_vcpu.HasRun)
        {
            // R78/H24 (cpuid.c kvm_set_cpuid, Dec-2025 fix): the stored table is brought up to date first when XSETBV or
            // an XSS write left it dirty; an unfixed 6.14+ kernel compares against the stale one.
            if (DynamicBitsDirty && _vcpu.Boot.Config.CpuidSetRefreshesCurrent)
            {
                ApplyRuntimeUpdates(_cpuid);
                DynamicBitsDirty = false;
            }
            // R78 kvm_cpuid_check_equal: runtime bits are KVM's, so they are recomputed on the incoming table too.
            ApplyRuntimeUpdates(incoming);
            return SameTable(incoming, _cpuid) ? KResult.Ok : Errno.EINVAL;
        }

        var check = CheckCpuid(incoming);
        if (check.IsError) return check;

        _cpuid = incoming;
        AfterSetCpuid();
        return KResult.Ok;
    }

    /// <summary>
    /// KVM_GET_CPUID2 with room for <paramref name="nent"/> entries: too small -> -E2BIG; the runtime fix-ups are
    /// applied first when dirty (R77).
    /// </summary>
    public KvmRead<IReadOnlyList<KvmCpuidEntry2>> GetCpuid2(int nent = KvmCpuidEntry2.MaxEntries)
    {
        if (_vcpu.Dead) return new(Errno.EIO, []);
        if (nent < _cpuid.Count) return new(Errno.E2BIG, []);
        if (DynamicBitsDirty)
        {
            ApplyRuntimeUpdates(_cpuid);
            DynamicBitsDirty = false;
        }
        return new(KResult.Ok, _cpuid.ToList());
    }

    /// <summary>kvm_find_cpuid_entry_index: the first entry matching function and (significant) index.</summary>
    public static KvmCpuidEntry2? Find(IReadOnlyList<KvmCpuidEntry2> table, uint function, uint index) =>
        table.FirstOrDefault(e => e.Matches(function, index));

    /// <summary>
    /// kvm_find_cpuid_entry: KVM's lookup of a function it treats as not indexed (KVM_CPUID_INDEX_NOT_SIGNIFICANT).
    /// kvm_find_cpuid_entry2 then returns the first entry of the function whatever its index and flags.
    /// </summary>
    public static KvmCpuidEntry2? FindAnyIndex(IReadOnlyList<KvmCpuidEntry2> table, uint function) =>
        table.FirstOrDefault(e => e.Function == function);

    /// <summary>R78 kvm_check_cpuid.</summary>
    private KResult CheckCpuid(IReadOnlyList<KvmCpuidEntry2> table)
    {
        // R78: the canonical-address checks assume a 48- or 57-bit virtual address width (or none given). The lookup
        // is kvm_find_cpuid_entry(vcpu, 0x80000008): the first 0x80000008 entry, whatever index the VMM gave it.
        var ext8 = FindAnyIndex(table, 0x80000008);
        if (ext8 is not null)
        {
            uint vaddrBits = (ext8.Eax & 0xFF00) >> 8;
            if (vaddrBits != 48 && vaddrBits != 57 && vaddrBits != 0) return Errno.EINVAL;
        }

        // R78: dynamic xfeatures need the larger guest FPU buffer, which needs the guest permission (-EPERM).
        var leaf0 = Find(table, 0xD, 0);
        if (leaf0 is null) return KResult.Ok;
        var dynamic = FeatureMask.FromHalves(leaf0.Eax, leaf0.Edx) & XfeatureMasks.UserDynamic;
        if (dynamic.IsEmpty) return KResult.Ok;
        return FpstateOps.EnableGuestXfdFeatures(_vcpu.Boot, _vcpu.Process, _vcpu.Fpu.GuestFpu, dynamic, _vcpu.ThreadId);
    }

    /// <summary>
    /// R79 kvm_vcpu_after_set_cpuid: guest_supported_xcr0 = 0xD.0 EDX:EAX &amp; supported_xcr0 (0 without the leaf),
    /// guest_supported_xss = 0xD.1 EDX:ECX &amp; supported_xss; guest capabilities = guest CPUID &amp; KVM caps (XSAVES
    /// only together with XSAVE, which CR4.OSXSAVE needs); then the runtime fix-ups.
    /// </summary>
    private void AfterSetCpuid()
    {
        var caps = _vcpu.Kvm.Caps;
        var leaf0 = Find(_cpuid, 0xD, 0);
        var leaf1 = Find(_cpuid, 0xD, 1);
        GuestSupportedXcr0 = leaf0 is null ? FeatureMask.None : FeatureMask.FromHalves(leaf0.Eax, leaf0.Edx) & caps.SupportedXcr0;
        GuestSupportedXss = leaf1 is null ? FeatureMask.None : FeatureMask.FromHalves(leaf1.Ecx, leaf1.Edx) & caps.SupportedXss;

        // R79: the guest capabilities are looked up by reverse_cpuid's (function, index): (1, 0) for XSAVE, (0xD, 1) for
        // XSAVES/XFD, (7, 0) for SHSTK/IBT. Leaf 1 is not indexed, so its entry matches at any index; 7 and 0xD are.
        var basic1 = Find(_cpuid, 1, 0);
        var leaf7 = Find(_cpuid, 7, 0);
        GuestHasXsave = basic1 is not null && (basic1.Ecx & (1u << 26)) != 0 && caps.HostXsave;
        GuestHasXsaves = leaf1 is not null && (leaf1.Eax & 8u) != 0 && caps.Xsaves && GuestHasXsave;
        GuestHasXfd = leaf1 is not null && (leaf1.Eax & 16u) != 0 && caps.Xfd;
        GuestHasShstk = leaf7 is not null && (leaf7.Ecx & (1u << 7)) != 0 && caps.Shstk;
        GuestHasIbt = leaf7 is not null && (leaf7.Edx & (1u << 20)) != 0 && caps.Ibt;

        ApplyRuntimeUpdates(_cpuid);
        DynamicBitsDirty = false;
    }

    /// <summary>
    /// R77 kvm_update_cpuid_runtime, the XSAVE part: 0xD.0 EBX = standard size of XCR0; 0xD.1 EBX = compacted size of
    /// XCR0 | XSS when 0xD.1 EAX has XSAVES or XSAVEC. (The OSXSAVE/OSPKE mirrors of CR4 are not modelled.)
    /// </summary>
    private void ApplyRuntimeUpdates(List<KvmCpuidEntry2> table)
    {
        var cpu = _vcpu.Boot.Cpu;
        var xcr0 = _vcpu.Xcrs.Xcr0;
        int sub0 = table.FindIndex(e => e.Matches(0xD, 0));
        if (sub0 >= 0)
            table[sub0] = table[sub0] with { Ebx = KvmXstateSize.Required(cpu, xcr0, compacted: false) };

        int sub1 = table.FindIndex(e => e.Matches(0xD, 1));
        if (sub1 >= 0 && (table[sub1].Eax & (8u | 2u)) != 0)
            table[sub1] = table[sub1] with { Ebx = KvmXstateSize.Required(cpu, xcr0 | _vcpu.Msrs.Xss, compacted: true) };
    }

    private static bool SameTable(IReadOnlyList<KvmCpuidEntry2> a, IReadOnlyList<KvmCpuidEntry2> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First == p.Second);
}
