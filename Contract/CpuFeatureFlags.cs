namespace Xsave.Contract;

/// <summary>
/// The CPU feature flags (CPUID leaves 1, 7, 0x80000001) that the architecture and the Linux policy consult
/// (SPEC part 0 "Model input", R37). Leaf 0xD's own flags (XSAVEOPT, XSAVEC, XSAVES, XFD...) are read from the
/// leaf itself by <see cref="CpuModel"/>.
/// </summary>
public sealed record CpuFeatureFlags
{
    public bool Fpu { get; init; } = true;
    public bool Fxsr { get; init; } = true;
    public bool Xmm { get; init; } = true;
    public bool Xsave { get; init; } = true;
    public bool Avx { get; init; }
    public bool Avx512F { get; init; }
    public bool Mpx { get; init; }
    public bool IntelPt { get; init; }
    /// <summary>CPUID.7.0:ECX[3] PKU: the CPU has protection keys. Linux enables OSPKE when it uses them.</summary>
    public bool Pku { get; init; }
    /// <summary>CPUID.7.0:ECX[4] as dumped (depends on the dumping OS's CR4.PKE).</summary>
    public bool Ospke { get; init; }
    public bool Enqcmd { get; init; }
    /// <summary>CET shadow stacks (CPUID.7.0:ECX[7]).</summary>
    public bool Shstk { get; init; }
    /// <summary>CET indirect branch tracking (CPUID.7.0:EDX[20]).</summary>
    public bool Ibt { get; init; }
    public bool AmxTile { get; init; }
    public bool Apx { get; init; }
    public bool ArchLbr { get; init; }
    public bool Uintr { get; init; }
    public bool Hwp { get; init; }
    public bool Hdc { get; init; }
    public bool Lwp { get; init; }
    /// <summary>CPUID.1:ECX[31]: the dump was taken under a hypervisor.</summary>
    public bool Hypervisor { get; init; }

    /// <summary>Every flag set: for synthetic models that should let the policy keep whatever leaf 0xD enumerates.</summary>
    public static CpuFeatureFlags Everything { get; } = new()
    {
        Avx = true, Avx512F = true, Mpx = true, IntelPt = true, Pku = true, Ospke = true, Enqcmd = true, Shstk = true,
        Ibt = true, AmxTile = true, Apx = true, ArchLbr = true, Uintr = true, Hwp = true, Hdc = true, Lwp = true,
    };
}
