using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// CPUs whose enumeration is inconsistent in the ways the boot code must survive (firmware or a hypervisor's CPUID):
/// APX and MPX both enumerated (R35, H21: XSAVE is disabled), and the ARCH_LBR flag without LBR in CPUID(0xD,1)
/// (R36, H12: IA32_XSS must not get LBR). Real profiles have neither, so these are synthetic; the boot law draws one
/// of each in eight cases, and otherwise the CPUs every law draws.
/// </summary>
public static class FirmwareQuirkCpus
{
    private static readonly FeatureMask ApxAndMpx = ArchMasks.Mpx.With(XFeature.Apx);
    private static readonly FeatureMask Cet = FeatureMask.Of(XFeature.CetUser, XFeature.CetKernel);

    public static CpuDraw Boot(PropertyContext ctx)
    {
        var any = InputGen.AnyCpu(ctx);
        if (ctx.FixedCpu is not null) return any;
        return (ref SeededDraws d) =>
        {
            int quirk = d.Below(8);
            if (quirk > 1) return any(ref d);
            var s = CpuGen.DrawSynthetic(ref d);
            s = quirk == 0
                ? s with { User = s.User | ApxAndMpx }
                // XSAVES with a supervisor state, so the kernel writes IA32_XSS at all.
                : s with { Xsaves = true, Supervisor = s.Supervisor.Without(XFeature.Lbr) | Cet, ArchLbrFlagOnly = true };
            return new CpuCase(s.ToCpuModel(), s);
        };
    }
}
