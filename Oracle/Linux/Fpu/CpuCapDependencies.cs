namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// The entries of arch/x86/kernel/cpu/cpuid-deps.c among the modelled features, and do_clear_cpu_cap's closure over
/// them.
/// </summary>
public static class CpuCapDependencies
{
    /// <summary>
    /// (feature, the feature it depends on), as cpuid_deps[] lists them: FXSR on FPU; XSAVE and XMM on FXSR; the
    /// XSAVE family, AVX, PKU, MPX on XSAVE; AVX512F on AVX; XFD on XSAVES and XGETBV1; AMX_TILE on XFD; SHSTK and
    /// ENQCMD on XSAVES; APX on XSAVE (added with APX support). OSPKE on PKU is not a cpuid_deps[] row: it stands for
    /// setup_pku(), which forces OSPKE only while PKU is set (see <see cref="CpuCaps.Initial"/>).
    /// </summary>
    public static IReadOnlyList<(CpuCap Feature, CpuCap Requires)> Rows { get; } =
    [
        (CpuCap.Fxsr, CpuCap.Fpu),
        (CpuCap.Xsave, CpuCap.Fxsr),
        (CpuCap.Xmm, CpuCap.Fxsr),
        (CpuCap.Xsaveopt, CpuCap.Xsave),
        (CpuCap.Xsavec, CpuCap.Xsave),
        (CpuCap.Xsaves, CpuCap.Xsave),
        (CpuCap.Xgetbv1, CpuCap.Xsave),
        (CpuCap.Avx, CpuCap.Xsave),
        (CpuCap.Mpx, CpuCap.Xsave),
        (CpuCap.Pku, CpuCap.Xsave),
        (CpuCap.Ospke, CpuCap.Pku),
        (CpuCap.Apx, CpuCap.Xsave),
        (CpuCap.Avx512F, CpuCap.Avx),
        (CpuCap.Xfd, CpuCap.Xsaves),
        (CpuCap.Xfd, CpuCap.Xgetbv1),
        (CpuCap.AmxTile, CpuCap.Xfd),
        (CpuCap.Shstk, CpuCap.Xsaves),
        (CpuCap.Enqcmd, CpuCap.Xsaves),
    ];

    /// <summary>
    /// do_clear_cpu_cap's disable set: the feature and, transitively, every feature that depends on it - whether or
    /// not the features in between are set (clearing XSAVE clears XFD through XSAVES even on a CPU that never had
    /// XSAVES).
    /// </summary>
    public static IReadOnlySet<CpuCap> DisableSet(CpuCap feature)
    {
        var set = new HashSet<CpuCap> { feature };
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (dependent, requires) in Rows)
                if (set.Contains(requires) && set.Add(dependent)) grew = true;
        }
        return set;
    }
}
