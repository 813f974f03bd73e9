namespace Xsave.Scenarios.Parsing;

/// <summary>
/// The CPUID feature bits of leaves 1 and 7.0 that KVM reads when it derives a vCPU's capabilities from
/// KVM_SET_CPUID2 (kvm_vcpu_after_set_cpuid: XSAVE, SHSTK, IBT, ...), by the names of
/// arch/x86/include/asm/cpufeatures.h, for the kvm_set_cpuid2 shorthand <c>flags: [xsave, shstk]</c>.
/// </summary>
internal static class CpuidBits
{
    public enum Reg { Ebx, Ecx, Edx }

    /// <summary>name → (leaf, register, bit).</summary>
    public static readonly IReadOnlyDictionary<string, (uint Leaf, Reg Reg, int Bit)> All =
        new Dictionary<string, (uint, Reg, int)>(StringComparer.OrdinalIgnoreCase)
        {
            ["fpu"] = (1, Reg.Edx, 0),
            ["fxsr"] = (1, Reg.Edx, 24),
            ["sse"] = (1, Reg.Edx, 25),
            ["xsave"] = (1, Reg.Ecx, 26),
            ["osxsave"] = (1, Reg.Ecx, 27),
            ["avx"] = (1, Reg.Ecx, 28),
            ["mpx"] = (7, Reg.Ebx, 14),
            ["avx512f"] = (7, Reg.Ebx, 16),
            ["intel_pt"] = (7, Reg.Ebx, 25),
            ["pku"] = (7, Reg.Ecx, 3),
            ["ospke"] = (7, Reg.Ecx, 4),
            ["shstk"] = (7, Reg.Ecx, 7),
            ["enqcmd"] = (7, Reg.Ecx, 29),
            ["arch_lbr"] = (7, Reg.Edx, 19),
            ["ibt"] = (7, Reg.Edx, 20),
            ["amx_bf16"] = (7, Reg.Edx, 22),
            ["amx_tile"] = (7, Reg.Edx, 24),
            ["amx_int8"] = (7, Reg.Edx, 25),
        };
}
