using Xsave.Contract;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>R76: leaf 0xD of KVM_GET_SUPPORTED_CPUID (__do_cpuid_func, case 0xd), as seen by the calling process.</summary>
public static class KvmCpuid
{
    public static IReadOnlyList<KvmCpuidEntry2> SupportedLeaf0D(KvmModule kvm, LinuxProcess process)
    {
        var cpu = kvm.Boot.Cpu;
        var permittedXcr0 = KvmCapabilities.FilteredXcr0(kvm, process);
        var permittedXss = kvm.Caps.SupportedXss;
        var entries = new List<KvmCpuidEntry2>();

        // R76 sub-leaf 0: host EAX/EDX masked by P; EBX = ECX = standard size of P. Nothing more when P = 0.
        var host0 = cpu.SubLeaf(0);
        uint size0 = KvmXstateSize.Required(cpu, permittedXcr0, compacted: false);
        entries.Add(KvmCpuidEntry2.Leaf0D(0, host0.Eax & Low(permittedXcr0), size0, size0, host0.Edx & High(permittedXcr0)));
        if (permittedXcr0.IsEmpty) return entries;

        // R76 sub-leaf 1: EAX = KVM's caps; EBX = compacted size of P|S when XSAVES or XSAVEC, else 0 (the kernel
        // WARNs if S is not empty then); ECX/EDX = host's masked by S.
        var host1 = cpu.SubLeaf(1);
        uint eax1 = kvm.Caps.Leaf0D1Eax;
        uint ebx1 = (eax1 & (8u | 2u)) != 0 ? KvmXstateSize.Required(cpu, permittedXcr0 | permittedXss, compacted: true) : 0;
        entries.Add(KvmCpuidEntry2.Leaf0D(1, eax1, ebx1, host1.Ecx & Low(permittedXss), host1.Edx & High(permittedXss)));

        // R76 sub-leaves 2..63: one per component of P (user) or S (supervisor), from the host; dropped (WARN) when
        // EAX = 0 or ECX[0] disagrees with the kind; ECX[2] cleared without the XFD cap; EDX = 0.
        for (int i = 2; i < 64; i++)
        {
            bool supervisor;
            if (permittedXcr0.Contains(i)) supervisor = false;
            else if (permittedXss.Contains(i)) supervisor = true;
            else continue;

            var host = cpu.SubLeaf(i);
            if (host.Eax == 0 || ((host.Ecx & 1) != 0) != supervisor) continue;

            uint ecx = kvm.Caps.Xfd ? host.Ecx : host.Ecx & ~4u;
            entries.Add(KvmCpuidEntry2.Leaf0D((uint)i, host.Eax, host.Ebx, ecx, 0));
        }
        return entries;
    }

    private static uint Low(FeatureMask m) => (uint)(m.Bits & 0xFFFFFFFF);
    private static uint High(FeatureMask m) => (uint)(m.Bits >> 32);
}
