using Xsave.Contract;

namespace Xsave.Optimized.Linux.Fpu;

/// <summary>
/// The errata the FPU boot consults, as the kernel's x86_cpu_id tables: a packed (family, model, stepping) key and the
/// minimum microcode revision that carries the fix.
/// </summary>
internal static class CpuErrata
{
    /// <summary>arch/x86/kernel/cpu/amd.c erratum_1386_microcode[]: 17h/01h stepping 2, 17h/31h stepping 0.</summary>
    private static readonly (uint Key, uint MinRevision)[] Erratum1386Fixed =
    [
        (Key(0x17, 0x01, 0x2), 0x0800126e),
        (Key(0x17, 0x31, 0x0), 0x08301052),
    ];

    /// <summary>
    /// R38a, fix_erratum_1386(): XSAVES is cleared on AMD family 0x17 unless x86_match_min_microcode_rev() finds the
    /// part with at least the fixed revision. A profile without a revision is treated as affected.
    /// </summary>
    public static bool Erratum1386(CpuModel cpu)
    {
        if (cpu.Family != 0x17 || cpu.Vendor != "AuthenticAMD") return false;
        if (cpu.MicrocodeRevision is not { } rev) return true;
        uint key = Key(cpu.Family, cpu.Model, cpu.Stepping);
        foreach (var (k, min) in Erratum1386Fixed)
            if (k == key) return rev < min;
        return true;
    }

    private static uint Key(int family, int model, int stepping) => ((uint)family << 16) | ((uint)(model & 0xFF) << 8) | (uint)(stepping & 0xFF);
}
