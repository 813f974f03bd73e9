using System.Numerics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The loaded kvm module on one booted kernel: its caps (R73, R74) and the process-independent part of
/// KVM_GET_SUPPORTED_CPUID leaf 0xD (R76), both computed once at load.
/// </summary>
public sealed class KvmModule
{
    // Sub-leaves 2..63 KVM may report, already filtered (EAX != 0, ECX[0] matching the kind, ECX[2] without XFD
    // cleared, EDX = 0), indexed by component; _componentMask says which are present.
    private readonly CpuidRegs[] _component = new CpuidRegs[64];
    private readonly ulong _componentMask;
    private readonly uint _sub1Ecx, _sub1Edx;

    private KvmModule(BootTables boot, KvmCaps caps)
    {
        Boot = boot;
        Caps = caps;

        ulong user = caps.SupportedXcr0 & ~KvmAbi.FpSse;
        ulong supervisor = caps.SupportedXss & ~KvmAbi.FpSse;
        for (ulong m = user | supervisor; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            var host = boot.Cpu.SubLeaf(i);
            bool isSupervisor = (supervisor >> i & 1) != 0;
            // R76: dropped (WARN) when the host enumerates no size or the other kind.
            if (host.Eax == 0 || ((host.Ecx & 1) != 0) != isSupervisor) continue;
            // R76: XFD-capable flag only when KVM can offer XFD; EDX reserved.
            uint ecx = caps.Xfd ? host.Ecx : host.Ecx & ~4u;
            _component[i] = new CpuidRegs(host.Eax, host.Ebx, ecx, 0);
            _componentMask |= 1UL << i;
        }

        var host1 = boot.Cpu.SubLeaf(1);
        _sub1Ecx = host1.Ecx & (uint)caps.SupportedXss;
        _sub1Edx = host1.Edx & (uint)(caps.SupportedXss >> 32);
    }

    public BootTables Boot { get; }
    public KvmCaps Caps { get; }

    /// <summary>Module load: 0 and the module, or -errno from kvm_x86_vendor_init.</summary>
    public static long Load(BootTables boot, KvmModuleParams p, out KvmModule? module)
    {
        long r = KvmCaps.Load(boot, p, out var caps);
        module = r == 0 ? new KvmModule(boot, caps!) : null;
        return r;
    }

    /// <summary>
    /// R88 KVM_CHECK_EXTENSION for a process with raw guest permission <paramref name="guestPerm"/>: KVM_CAP_XSAVE = 1,
    /// KVM_CAP_XCRS = host XSAVE, KVM_CAP_XSAVE2 = max(4096, standard size of the filtered XCR0); others 0 here.
    /// </summary>
    public long CheckExtension(int capability, ulong guestPerm) => capability switch
    {
        KvmAbi.CapXsave => 1,
        KvmAbi.CapXcrs => Caps.HostXsave ? 1 : 0,
        KvmAbi.CapXsave2 => Math.Max(KvmAbi.KvmXsaveSize,
            KvmXstateSize.Required(Boot.Tables, Caps.FilteredXcr0(guestPerm), compacted: false)),
        _ => 0,
    };

    /// <summary>
    /// R76 leaf 0xD of KVM_GET_SUPPORTED_CPUID for a process with raw guest permission <paramref name="guestPerm"/>:
    /// sub-leaf 0 (EAX/EDX masked by the filtered XCR0 P, EBX = ECX = its standard size; nothing else when P = 0),
    /// sub-leaf 1 (KVM's EAX, compacted size of P | S when XSAVES or XSAVEC, ECX/EDX masked by S), then one sub-leaf
    /// per component of P or S in index order.
    /// </summary>
    public List<CpuidEntry> SupportedLeaf0D(ulong guestPerm)
    {
        ulong p = Caps.FilteredXcr0(guestPerm);
        ulong s = Caps.SupportedXss;
        ulong components = (p | s) & _componentMask;
        var entries = new List<CpuidEntry>(2 + BitOperations.PopCount(components));

        var host0 = Boot.Cpu.SubLeaf(0);
        uint size0 = KvmXstateSize.Required(Boot.Tables, p, compacted: false);
        entries.Add(new CpuidEntry(0xD, 0, new CpuidRegs(host0.Eax & (uint)p, size0, size0, host0.Edx & (uint)(p >> 32))));
        if (p == 0) return entries;

        uint eax1 = Caps.Leaf0D1Eax;
        uint ebx1 = (eax1 & (KvmAbi.Leaf0D1Xsaves | KvmAbi.Leaf0D1Xsavec)) != 0
            ? KvmXstateSize.Required(Boot.Tables, p | s, compacted: true) : 0;
        entries.Add(new CpuidEntry(0xD, 1, new CpuidRegs(eax1, ebx1, _sub1Ecx, _sub1Edx)));

        for (ulong m = components; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            entries.Add(new CpuidEntry(0xD, (uint)i, _component[i]));
        }
        return entries;
    }
}
