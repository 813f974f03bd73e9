using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// The machine KERNEL-OBSERVATIONS was measured on (AMD EPYC Zen 5, family 0x1A model 2): CPUID leaf 0xD exactly as in
/// the KO §1a table, MXCSR_MASK 0x2FFFF (KO §3c), XCR0 0xe7 as the kernel set it (KO §1b). User-mode tests run at CPL 3.
/// </summary>
internal static class HostCpu
{
    public static CpuModel Zen5 { get; } = new()
    {
        Id = "host-zen5-ko1a",
        Vendor = "AuthenticAMD",
        Family = 0x1A,
        Model = 2,
        Leaf0D = new Dictionary<int, CpuidRegs>
        {
            [0] = new(0x000000e7, 0x980, 0x980, 0),
            [1] = new(0x0000000f, 0x9a8, 0x00001800, 0),
            [2] = new(0x100, 0x240, 0, 0),
            [5] = new(0x40, 0x340, 0, 0),
            [6] = new(0x200, 0x380, 0, 0),
            [7] = new(0x400, 0x580, 0, 0),
            [11] = new(0x10, 0, 0x1, 0),
            [12] = new(0x18, 0, 0x1, 0),
        },
        // KO §1a leaf 1 / 7: XSAVE, AVX, AVX-512F, CET_SS; no PKU, IBT, AMX, MPX.
        Flags = new CpuFeatureFlags { Avx = true, Avx512F = true, Shstk = true },
        MxcsrMask = 0x2FFFF,
    };

    /// <summary>XGETBV(0) on the host (KO §1b).</summary>
    public static readonly FeatureMask Xcr0 = new(0xE7);

    /// <summary>A user-mode thread on the host: XCR0 = 0xe7, CPL 3, every component in its init configuration.</summary>
    public static MachineState UserState() => MachineState.Init(Zen5) with { Xcr0 = Xcr0, Cpl = 3 };

    /// <summary>KO §5a/§5b: the measured buffers were pre-filled with 0xCC.</summary>
    public static XsaveBuffer CcBuffer(int length = 4096) => XsaveBuffer.Filled(length, 0xCC);
}
