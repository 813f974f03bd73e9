using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.TestSupport;

/// <summary>CPU models of machines whose behaviour was measured (shared/KERNEL-OBSERVATIONS.md).</summary>
public static class ObservedHost
{
    /// <summary>
    /// The Zen 5 build host of KERNEL-OBSERVATIONS §1a: CPUID leaf 0xD exactly as measured, the flags of §1a/§1b
    /// (AVX-512, CET_SS, no PKU/MPX/AMX; CPUID.1:ECX[31] set: a Firecracker guest), MXCSR_MASK 0x2FFFF (§3g).
    /// </summary>
    public static CpuModel Zen5() => new()
    {
        Id = "observed-zen5-host",
        Vendor = "AuthenticAMD",
        Family = 0x1A,
        Model = 2,
        MxcsrMask = 0x2FFFF,
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
        Flags = new CpuFeatureFlags { Avx = true, Avx512F = true, Shstk = true, Hypervisor = true },
    };

    /// <summary>KO §1b: XGETBV(0) on the Zen 5 host, as the kernel set it.</summary>
    public const ulong Xcr0 = 0xE7;

    /// <summary>A user-mode thread on <paramref name="cpu"/>: XCR0 = 0xe7, CPL 3, every component in its init configuration (R17).</summary>
    public static MachineState UserState(CpuModel cpu) => MachineState.Init(cpu) with { Xcr0 = new FeatureMask(Xcr0), Cpl = 3 };

    /// <summary>KO §5a/§5b: the measured buffers were pre-filled with 0xCC.</summary>
    public static XsaveBuffer CcBuffer(int length = 4096) => XsaveBuffer.Filled(length, 0xCC);
}
