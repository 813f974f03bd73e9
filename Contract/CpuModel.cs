namespace Xsave.Contract;

/// <summary>
/// A processor as the XSAVE architecture sees it: CPUID leaf 0xD sub-leaves 0..63 plus the feature flags of
/// <see cref="CpuFeatureFlags"/>. Built from a corpus profile or synthetically. The accessors only decode
/// registers (SPEC R4-R6); every size and offset anyone computes must come from here, never from a table.
/// </summary>
public sealed record CpuModel
{
    public required string Id { get; init; }
    public string Vendor { get; init; } = "GenuineIntel";
    public int Family { get; init; } = 6;
    public int Model { get; init; }
    public int Stepping { get; init; }

    /// <summary>
    /// The microcode revision the CPU ran (MSR 0x8B on AMD, /proc/cpuinfo "microcode"), when the dump recorded it; null
    /// = unknown. The kernel keys errata on it (R38a: erratum 1386 does not apply at or above the fixed revision).
    /// </summary>
    public uint? MicrocodeRevision { get; init; }

    /// <summary>Sub-leaves of CPUID 0xD by index. A missing sub-leaf reads as all zeros, as on hardware.</summary>
    public required IReadOnlyDictionary<int, CpuidRegs> Leaf0D { get; init; }

    public CpuFeatureFlags Flags { get; init; } = new();

    /// <summary>
    /// MXCSR_MASK as FXSAVE reports it (not in CPUID). Bits outside it are reserved: loading them faults (R23, R69).
    /// Measured: 0x2FFFF on Zen 5 (bit 17 = MM), 0xFFFF on most Intel parts.
    /// </summary>
    public uint MxcsrMask { get; init; } = 0xFFFF;

    public CpuidRegs SubLeaf(int index) =>
        Leaf0D.TryGetValue(index, out var regs) ? regs : CpuidRegs.Zero;

    // R4: sub-leaf 0.
    /// <summary>XCR0 bits the CPU supports: CPUID.(0xD,0).EDX:EAX.</summary>
    public FeatureMask SupportedXcr0 => FeatureMask.FromHalves(SubLeaf(0).Eax, SubLeaf(0).Edx);
    /// <summary>Standard size for the XCR0 the dumping OS had enabled: CPUID.(0xD,0).EBX.</summary>
    public uint EnabledStandardSize => SubLeaf(0).Ebx;
    /// <summary>Standard size if every supported XCR0 bit were enabled: CPUID.(0xD,0).ECX.</summary>
    public uint MaxStandardSize => SubLeaf(0).Ecx;

    // R5: sub-leaf 1.
    public bool HasXsaveopt => (SubLeaf(1).Eax & 1) != 0;
    public bool HasXsavec => (SubLeaf(1).Eax & 2) != 0;
    public bool HasXgetbv1 => (SubLeaf(1).Eax & 4) != 0;
    public bool HasXsaves => (SubLeaf(1).Eax & 8) != 0;
    public bool HasXfd => (SubLeaf(1).Eax & 16) != 0;
    /// <summary>Compacted size for the XCR0|XSS the dumping OS had enabled: CPUID.(0xD,1).EBX.</summary>
    public uint EnabledCompactedSize => SubLeaf(1).Ebx;
    /// <summary>IA32_XSS bits the CPU supports: CPUID.(0xD,1).EDX:ECX.</summary>
    public FeatureMask SupportedXss => FeatureMask.FromHalves(SubLeaf(1).Ecx, SubLeaf(1).Edx);

    // R6: sub-leaf i >= 2.
    /// <summary>Size in bytes of component i (EAX), 0 when not enumerated.</summary>
    public int ComponentSize(int index) => index >= 2 ? (int)SubLeaf(index).Eax : 0;
    /// <summary>Standard-format offset of component i (EBX); 0 for supervisor components.</summary>
    public int StandardOffset(int index) => index >= 2 ? (int)SubLeaf(index).Ebx : 0;
    /// <summary>ECX bit 0: the component is supervisor state, managed through IA32_XSS.</summary>
    public bool IsSupervisorEnumerated(int index) => index >= 2 && (SubLeaf(index).Ecx & 1) != 0;
    /// <summary>ECX bit 1: the component starts on a 64-byte boundary in the compacted format.</summary>
    public bool IsAligned64(int index) => index >= 2 && (SubLeaf(index).Ecx & 2) != 0;
    /// <summary>ECX bit 2: IA32_XFD can disable the component.</summary>
    public bool IsXfdCapable(int index) => index >= 2 && (SubLeaf(index).Ecx & 4) != 0;

    /// <summary>Every component the CPU enumerates: XCR0-supported plus XSS-supported bits.</summary>
    public FeatureMask SupportedAll => SupportedXcr0 | SupportedXss;

    public override string ToString() => Id;
}
