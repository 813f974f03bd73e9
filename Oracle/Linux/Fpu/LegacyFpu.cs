namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// The register images of the pre-XSAVE FPU save formats (SPEC R43; arch/x86/include/asm/fpu/types.h) and their init
/// values (core.c fpstate_init_fxstate / fpstate_init_fstate).
/// </summary>
public static class LegacyFpu
{
    /// <summary>sizeof(struct fxregs_state): the FXSAVE image.</summary>
    public const uint FxregsStateSize = 512;

    /// <summary>sizeof(struct fregs_state): the FNSAVE image (7 u32 + 80 bytes of registers + status).</summary>
    public const uint FregsStateSize = 112;

    /// <summary>
    /// sizeof(struct swregs_state), the math-emulation image used without an FPU: 7 u32, 80 bytes of registers, six
    /// u8, a pointer and a u32. That is 124 bytes on a 32-bit kernel (the only kind that can lack an FPU); the 64-bit
    /// figure (8-byte pointer and alignment) is given for completeness.
    /// </summary>
    public static uint SwregsStateSize(bool is64Bit) => is64Bit ? 136u : 124u;

    /// <summary>fpstate_init_fstate (no FXSR): cwd, swd, twd and fos as 32-bit words with the upper halves set.</summary>
    public const uint FsaveInitCwd = 0xFFFF037F;
    public const uint FsaveInitSwd = 0xFFFF0000;
    public const uint FsaveInitTwd = 0xFFFFFFFF;
    public const uint FsaveInitFos = 0xFFFF0000;
    /// <summary>Byte offset of fos in struct fregs_state (cwd, swd, twd, fip, fcs, foo, fos).</summary>
    public const int FsaveFosOffset = 24;

    /// <summary>mxcsr_feature_mask when FXSAVE reports MXCSR_MASK = 0 (pre-SSE2 parts): 0xFFBF.</summary>
    public const uint DefaultMxcsrFeatureMask = 0x0000FFBF;
}
