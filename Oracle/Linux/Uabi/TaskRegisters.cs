using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// The live FPU registers of a task, kept by this model in the task's fpstate buffer as if just saved: component i
/// holds the buffer bytes when XSTATE_BV[i] = 1 (in use) and its init configuration otherwise (R17). MXCSR lives at
/// bytes 24..27; a compacted buffer with XSTATE_BV[1] = 0 means MXCSR = 0x1F80 (R24), so writing another value marks
/// SSE in use, as the next XSAVEC/XSAVES would (R21; measured on Zen 5, KO §5a).
/// </summary>
public static class TaskRegisters
{
    /// <summary>XINUSE as the next save would see it: XSTATE_BV, plus SSE when MXCSR is not 0x1F80 (R17, R21).</summary>
    public static FeatureMask InUse(BootResult boot, Fpstate fps)
    {
        if (!boot.XsaveEnabled) return XfeatureMasks.FpSse; // an FXSAVE image has no header: x87 and SSE are live
        var bv = new FeatureMask(fps.XstateBv);
        return Mxcsr(boot, fps) != LegacyRegion.InitMxcsr ? bv.With(XFeature.Sse) : bv;
    }

    public static uint Mxcsr(BootResult boot, Fpstate fps)
    {
        if (boot.XsaveEnabled && boot.Compacted && !new FeatureMask(fps.XstateBv).Contains(XFeature.Sse))
            return LegacyRegion.InitMxcsr;
        return BitConverter.ToUInt32(fps.Regs, LegacyRegion.Mxcsr);
    }

    public static void SetMxcsr(BootResult boot, Fpstate fps, uint value)
    {
        if (boot.XsaveEnabled && boot.Compacted && value != LegacyRegion.InitMxcsr && !new FeatureMask(fps.XstateBv).Contains(XFeature.Sse))
            Load(boot, fps, (int)XFeature.Sse, new byte[UabiLayout.Size(boot.Cpu, (int)XFeature.Sse)]);
        BitConverter.TryWriteBytes(fps.Regs.AsSpan(LegacyRegion.Mxcsr, 4), value);
    }

    /// <summary>The register image of component i in UABI form (x87: bytes 0..159 with 24..31 zero).</summary>
    public static byte[] Component(BootResult boot, Fpstate fps, int i)
    {
        int size = UabiLayout.Size(boot.Cpu, i);
        int? at = InUseAddress(boot, fps, i);
        if (at is null) return InitConfiguration.Image(i, size);

        var bytes = fps.Regs.AsSpan(at.Value, size).ToArray();
        if (i == (int)XFeature.Fp) bytes.AsSpan(LegacyRegion.Mxcsr, 8).Clear();
        return bytes;
    }

    /// <summary>Loads component i from an image (XRSTOR with XSTATE_BV[i] = 1): the bytes, and the component in use.</summary>
    public static void Load(BootResult boot, Fpstate fps, int i, ReadOnlySpan<byte> image)
    {
        // Not part of this task's buffer: nothing holds it. x87 and SSE always have a place in the legacy region, but
        // with XSAVE the next save writes only fps.xfeatures (clearcpuid=sse leaves SSE out): an FXRSTOR of XMM is lost
        // (fpu/signal.c __restore_fpregs_from_user's fxrstor, then save_fpregs_to_fpstate → os_xsave(fpstate->xfeatures)).
        if (boot.XsaveEnabled && !fps.Xfeatures.Contains(i)) return;
        int? at = Address(boot, fps, i);
        if (at is null) return;
        if (i == (int)XFeature.Fp)
        {
            image[..LegacyRegion.Mxcsr].CopyTo(fps.Regs.AsSpan(at.Value));
            image[LegacyRegion.StRegisters..].CopyTo(fps.Regs.AsSpan(at.Value + LegacyRegion.StRegisters));
        }
        else
        {
            image.CopyTo(fps.Regs.AsSpan(at.Value));
        }
        if (boot.XsaveEnabled) fps.XstateBv = new FeatureMask(fps.XstateBv).With(i).Bits;
    }

    /// <summary>Puts component i in its init configuration (XRSTOR with XSTATE_BV[i] = 0; R26).</summary>
    public static void Initialize(BootResult boot, Fpstate fps, int i)
    {
        int size = UabiLayout.Size(boot.Cpu, i);
        int? at = Address(boot, fps, i);
        if (at is not null)
        {
            var init = InitConfiguration.Image(i, size);
            if (i == (int)XFeature.Fp)
            {
                init.AsSpan(0, LegacyRegion.Mxcsr).CopyTo(fps.Regs.AsSpan(at.Value));
                init.AsSpan(LegacyRegion.StRegisters).CopyTo(fps.Regs.AsSpan(at.Value + LegacyRegion.StRegisters));
            }
            else
            {
                init.CopyTo(fps.Regs.AsSpan(at.Value));
            }
        }
        if (boot.XsaveEnabled) fps.XstateBv = new FeatureMask(fps.XstateBv).Without(i).Bits;
    }

    /// <summary>R48 raw address; x87 and SSE sit at their legacy offsets even without XSAVE (FXSAVE image).</summary>
    private static int? Address(BootResult boot, Fpstate fps, int i) =>
        i < 2 ? UabiLayout.Offset(boot.Cpu, i) : XsaveAddress.Raw(boot, fps, i);

    /// <summary>R48 get_xsave_addr; without XSAVE, x87 and SSE are always live in the FXSAVE image.</summary>
    private static int? InUseAddress(BootResult boot, Fpstate fps, int i) =>
        !boot.XsaveEnabled && i < 2 ? UabiLayout.Offset(boot.Cpu, i) : XsaveAddress.Get(boot, fps, i);
}
