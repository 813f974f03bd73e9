namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// KVM set-up for the tests: the module, a process with a vCPU, guest CPUIDs. The hosts are <see cref="LinuxHosts"/>.
/// Every register value is written out with its source; expectations never come from running the oracle.
/// </summary>
public static class KvmHosts
{
    public static KvmModule LoadKvm(BootResult boot)
    {
        var load = KvmModule.Load(boot);
        Assert.Equal(0, load.Result.Value);
        return load.Module!;
    }

    /// <summary>A process, a VM and one freshly created vCPU on <paramref name="boot"/>.</summary>
    public static (KvmModule Kvm, LinuxProcess Process, Vcpu Vcpu) NewVcpu(BootResult boot, bool amxGuestPerm = false)
    {
        var kvm = LoadKvm(boot);
        var process = LinuxProcess.Start(boot);
        if (amxGuestPerm)
            Assert.Equal(0, process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData).Value);
        var created = Vcpu.Create(kvm, process);
        Assert.Equal(0, created.Result.Value);
        return (kvm, process, created.Vcpu!);
    }

    /// <summary>
    /// The guest CPUID a VMM builds from KVM_GET_SUPPORTED_CPUID: leaf 1 with XSAVE (ECX[26]), leaf 7 with the CET
    /// flags asked for, and KVM's leaf 0xD.
    /// </summary>
    public static List<KvmCpuidEntry2> SupportedCpuid(KvmModule kvm, LinuxProcess process, bool shstk = false, bool ibt = false)
    {
        var entries = new List<KvmCpuidEntry2>
        {
            new(1, 0, 0, 0, 0, 1u << 26, 0),
            new(7, 0, KvmCpuidEntry2.SignificantIndex, 0, 0, shstk ? 1u << 7 : 0, ibt ? 1u << 20 : 0),
        };
        entries.AddRange(KvmCpuid.SupportedLeaf0D(kvm, process));
        return entries;
    }

    /// <summary>A guest CPUID with leaf 1 (XSAVE) and only sub-leaves 0 and 1 of leaf 0xD as given.</summary>
    public static List<KvmCpuidEntry2> Leaf0DCpuid(uint eax0, uint eax1 = 0, uint ecx1 = 0) =>
    [
        new(1, 0, 0, 0, 0, 1u << 26, 0),
        KvmCpuidEntry2.Leaf0D(0, eax0, 0, 0, 0),
        KvmCpuidEntry2.Leaf0D(1, eax1, 0, ecx1, 0),
    ];

    public static void Ok(KResult r) => Assert.Equal(0, r.Value);
    public static void Fails(Errno errno, KResult r) => Assert.Equal(-(long)errno, r.Value);
}
