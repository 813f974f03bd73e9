namespace Xsave.Oracle.Linux.Fpu;

/// <summary>The X86_FEATURE_* bits the FPU policy reads from boot_cpu_data.</summary>
public enum CpuCap
{
    Fpu,
    Fxsr,
    Xmm,
    Xsave,
    /// <summary>Set by the kernel only once XSAVE is fully set up (end of fpu__init_system_xstate).</summary>
    Osxsave,
    Xsaveopt,
    Xsavec,
    Xgetbv1,
    Xsaves,
    /// <summary>XFD; compiled out on 32-bit kernels (cpu_feature_enabled is constant false there).</summary>
    Xfd,
    Avx,
    Avx512F,
    Mpx,
    IntelPt,
    Pku,
    Ospke,
    Enqcmd,
    Shstk,
    Ibt,
    AmxTile,
    Apx,
    ArchLbr,
    /// <summary>X86_FEATURE_XCOMPACTED: the kernel uses the compacted format (R39).</summary>
    Xcompacted,
}
