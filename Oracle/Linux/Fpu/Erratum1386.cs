using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// AMD erratum 1386, "XSAVES Instruction May Fail to Save XMM Registers" (SPEC R38a, H23). arch/x86/kernel/cpu/amd.c:
/// fix_erratum_1386() runs for every Zen 1/Zen 2 part (family 0x17) and returns early — keeping X86_FEATURE_XSAVES —
/// when x86_match_min_microcode_rev(erratum_1386_microcode) matches; otherwise it clears XSAVES.
/// </summary>
public static class Erratum1386
{
    /// <summary>
    /// erratum_1386_microcode[] in amd.c: X86_MATCH_VFM_STEPS(VFM_MAKE(X86_VENDOR_AMD, 0x17, 0x01), 0x2, 0x2,
    /// 0x0800126e) and X86_MATCH_VFM_STEPS(VFM_MAKE(X86_VENDOR_AMD, 0x17, 0x31), 0x0, 0x0, 0x08301052).
    /// </summary>
    public static readonly IReadOnlyList<(int Model, int Stepping, uint FixedRevision)> FixedMicrocode =
    [
        (0x01, 0x2, 0x0800126e),
        (0x31, 0x0, 0x08301052),
    ];

    /// <summary>
    /// R38a: whether the kernel clears XSAVES on <paramref name="cpu"/>: an AMD family 0x17 part, unless its model and
    /// stepping are in the table and its microcode is at least the fixed revision. An unknown revision (a dump that did
    /// not record it) counts as affected, the conservative reading.
    /// </summary>
    public static bool Applies(CpuModel cpu)
    {
        if (cpu.Vendor != "AuthenticAMD" || cpu.Family != 0x17) return false;
        foreach (var (model, stepping, fixedRevision) in FixedMicrocode)
            if (cpu.Model == model && cpu.Stepping == stepping && cpu.MicrocodeRevision >= fixedRevision)
                return false; // x86_match_min_microcode_rev(): the fix is in, keep XSAVES
        return true;
    }
}
