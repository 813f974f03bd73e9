using Xsave.Contract;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "cpu": the feature flags of CPUID leaves 1 and 7 against the state components leaf 0xD enumerates (issue 13).
/// A flag promises instructions whose state XCR0 must enable, and XCR0 takes only what CPUID.(0xD,0) enumerates (SDM
/// Vol. 1 13.3; R8): a flag without its components is a feature nobody can turn on, which Linux answers by dropping
/// the capability (R34). The other way round — components enumerated for a feature whose flag is clear, as QEMU's TCG
/// leaves AVX-512 after filtering AVX512F (docs/findings.md F9) — breaks none of SPEC's consistency rules (R4-R7 tie
/// leaf 0xD only to itself) and Linux drops those components (R37): reported as a skip that says so, not as agreement.
/// </summary>
public static class CpuidConsistency
{
    private static readonly (string Flag, Func<CpuFeatureFlags, bool> Has, FeatureMask Needs)[] Pairs =
    [
        ("AVX (CPUID.1:ECX[28])", f => f.Avx, FeatureMask.Of(XFeature.Sse, XFeature.Ymm)),
        ("MPX (CPUID.7.0:EBX[14])", f => f.Mpx, ArchMasks.Mpx),
        ("AVX512F (CPUID.7.0:EBX[16])", f => f.Avx512F, ArchMasks.Avx512 | FeatureMask.Of(XFeature.Sse, XFeature.Ymm)),
        ("PKU (CPUID.7.0:ECX[3])", f => f.Pku, FeatureMask.Of(XFeature.Pkru)),
    ];

    public static IEnumerable<KernelCheck> Run(CpuModel cpu)
    {
        const string group = CpuChecks.Group;
        var enumerated = cpu.SupportedXcr0;
        foreach (var (flag, has, needs) in Pairs)
        {
            var name = $"{flag} and the components CPUID.(0xD,0) enumerates for it ({needs})";
            var present = enumerated & needs;
            if (has(cpu.Flags))
                yield return KernelCheck.Compare(group, name, "SDM 13.3, R8, R34", needs, present,
                    present == needs ? null : "the flag is set but XCR0 cannot enable its state: the feature can never be used (Linux clears the capability, R34)");
            else if (!(enumerated & OwnBits(needs)).IsEmpty)
                yield return KernelCheck.Skip(group, name, "R4-R7, R37",
                    "the flag is clear but leaf 0xD enumerates the components: no SPEC consistency rule (R4-R7) forbids that; Linux drops them from its features (R37)",
                    "flag clear", enumerated & OwnBits(needs));
            // Flag clear and none of its own components enumerated: nothing to compare.
        }

        // Leaf 0xD is defined only on a CPU with XSAVE (SDM 13.2); sub-leaf 1's instructions and IA32_XSS bits need it, and IA32_XSS bits need XSAVES (R5).
        var subLeaf1 = cpu.SubLeaf(1).Eax & 0x1F;
        yield return KernelCheck.Compare(group, $"CPUID.1:ECX.XSAVE set where CPUID.(0xD,1).EAX = 0x{subLeaf1:x} enumerates XSAVE instructions", "R5, SDM 13.2",
            true, cpu.Flags.Xsave || subLeaf1 == 0);
        yield return KernelCheck.Compare(group, "IA32_XSS bits (CPUID.(0xD,1).EDX:ECX) only with XSAVES (CPUID.(0xD,1).EAX[3])", "R5",
            true, cpu.SupportedXss.IsEmpty || cpu.HasXsaves);
        // CR4.PKE (reported as OSPKE) can be set only on a CPU with PKU (SDM Vol. 3A 2.5).
        yield return KernelCheck.Compare(group, "OSPKE (CPUID.7.0:ECX[4]) only with PKU (CPUID.7.0:ECX[3])", "SDM Vol. 3A 2.5",
            true, !cpu.Flags.Ospke || cpu.Flags.Pku);
    }

    /// <summary>The components a pair is about, without the SSE/AVX state it builds on.</summary>
    private static FeatureMask OwnBits(FeatureMask needs) =>
        needs == FeatureMask.Of(XFeature.Sse, XFeature.Ymm) ? FeatureMask.Of(XFeature.Ymm) : needs.Without(XFeature.Sse).Without(XFeature.Ymm);
}
