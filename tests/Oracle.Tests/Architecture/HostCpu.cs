namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// The machine KERNEL-OBSERVATIONS was measured on (AMD EPYC Zen 5, family 0x1A model 2): CPUID leaf 0xD exactly as in
/// the KO §1a table, MXCSR_MASK 0x2FFFF (KO §3c), XCR0 0xe7 as the kernel set it (KO §1b). User-mode tests run at CPL 3.
/// </summary>
internal static class HostCpu
{
    public static CpuModel Zen5 { get; } = ObservedHost.Zen5() with { Id = "host-zen5-ko1a" };

    /// <summary>XGETBV(0) on the host (KO §1b).</summary>
    public static readonly FeatureMask Xcr0 = new(ObservedHost.Xcr0);

    /// <summary>A user-mode thread on the host: XCR0 = 0xe7, CPL 3, every component in its init configuration.</summary>
    public static MachineState UserState() => ObservedHost.UserState(Zen5);

    /// <summary>KO §5a/§5b: the measured buffers were pre-filled with 0xCC.</summary>
    public static XsaveBuffer CcBuffer(int length = 4096) => ObservedHost.CcBuffer(length);
}
