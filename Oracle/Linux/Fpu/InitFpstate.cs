using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// init_fpstate, the image every fresh task and every reset copies from (SPEC R54).
/// </summary>
public static class InitFpstate
{
    /// <summary>
    /// R54 with XSAVE: size = kernel.default_size, xfeatures = kernel.default_features; the buffer is an XRSTOR(S) of
    /// an all-zero header (every component to init: XSTATE_BV stays 0, XCOMP_BV per R52) followed by FXSAVE into the
    /// legacy region, so FCW = 0x37F, MXCSR = 0x1F80 and MXCSR_MASK (as FXSAVE reports it) are real values (H15).
    /// </summary>
    public static Fpstate ForXsave(CpuModel cpu, FpuStateConfig kernel, FpuStateConfig user, FeatureMask xfd, bool compacted)
    {
        var fps = new Fpstate
        {
            Size = kernel.DefaultSize,
            Xfeatures = kernel.DefaultFeatures,
            UserSize = user.DefaultSize,
            UserXfeatures = user.DefaultFeatures,
            Xfd = xfd,
            Regs = new byte[kernel.DefaultSize],
        };

        // R52 applied to init_fpstate.xfeatures.
        if (compacted) fps.XcompBv = (kernel.DefaultFeatures | ArchMasks.CompactedFormat).Bits;

        // FXSAVE of the init registers: FCW 0x37F, FSW 0, abridged FTW 0 (all empty), MXCSR 0x1F80, MXCSR_MASK.
        WriteFxsaveInit(fps.Regs, cpu.MxcsrMask);
        return fps;
    }

    /// <summary>
    /// Without XSAVE (absent or disabled, R43/R44): init_fpstate as fpstate_init_user left it during
    /// fpu__init_system_generic — FCW/MXCSR defaults in an FXSAVE image, or the FNSAVE init words; no FXSAVE was
    /// executed, so MXCSR_MASK stays 0. Size is the legacy size; xfeatures and xfd are 0. (As coded, a late disable
    /// leaves init_fpstate.size/xfeatures at their XSAVE values; nothing reads them without XSAVE.)
    /// </summary>
    public static Fpstate ForLegacy(CpuCaps caps, uint legacySize)
    {
        var fps = new Fpstate { Size = legacySize, UserSize = legacySize, Regs = new byte[legacySize] };
        if (caps.Has(CpuCap.Fxsr))
        {
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyRegion.Fcw, 2), LegacyRegion.InitFcw);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyRegion.Mxcsr, 4), LegacyRegion.InitMxcsr);
        }
        else if (legacySize >= LegacyFpu.FregsStateSize)
        {
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(0, 4), LegacyFpu.FsaveInitCwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(4, 4), LegacyFpu.FsaveInitSwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(8, 4), LegacyFpu.FsaveInitTwd);
            BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyFpu.FsaveFosOffset, 4), LegacyFpu.FsaveInitFos);
        }
        return fps;
    }

    private static void WriteFxsaveInit(byte[] regs, uint mxcsrMask)
    {
        BitConverter.TryWriteBytes(regs.AsSpan(LegacyRegion.Fcw, 2), LegacyRegion.InitFcw);
        BitConverter.TryWriteBytes(regs.AsSpan(LegacyRegion.Mxcsr, 4), LegacyRegion.InitMxcsr);
        BitConverter.TryWriteBytes(regs.AsSpan(LegacyRegion.MxcsrMask, 4), mxcsrMask);
    }
}
