using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// CPU models: every real profile of the corpus, and architecturally valid synthetic ones (bundles whole, no
/// overlapping standard regions, realistic sizes, alignment/XFD/supervisor flags, vendor-style layouts with and
/// without the MPX gap). Shrinking goes toward fewer components and toward the nearest real profile.
/// </summary>
public static class CpuGen
{
    // The parts are made once: inside the query below, a generator written in place would be rebuilt for every CPU
    // generated (a query's later clauses are lambdas), which cost more than the CPU itself.
    private static readonly Gen<OffsetStyle> Styles = Gen.Elements(OffsetStyle.Intel, OffsetStyle.Amd, OffsetStyle.Packed);
    private static readonly Gen<bool> Coin = Gen.Elements(true, false);
    private static readonly Gen<bool> OneIn3 = Gen.Frequency((1, Gen.Constant(true)), (2, Gen.Constant(false)));
    private static readonly Gen<bool> OneIn6 = Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false)));
    private static readonly Gen<bool> OneIn8 = Gen.Frequency((7, Gen.Constant(false)), (1, Gen.Constant(true)));
    private static readonly Gen<bool> FourIn5 = Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> FiveIn6 = Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> ThreeIn4 = Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<FeatureMask> Supervisors = MaskGen.SubsetOf(FeatureMask.Range(8, 16).Without(9));
    private static readonly Gen<FeatureMask> ExtraAligned = Gen.Frequency((4, Gen.Constant(FeatureMask.None)),
        (1, MaskGen.SubsetOf(FeatureMask.Of(XFeature.Pkru, XFeature.CetUser, XFeature.CetKernel, XFeature.Pasid))));

    public static Gen<SyntheticCpu> Synthetic { get; } =
        from style in Styles
        from ymm in FourIn5
        from mpx in Coin
        from avx512 in Coin
        from pkru in Coin
        from amx in OneIn3
        from apx in OneIn6
        from xsaveopt in FiveIn6
        from xsavec in FiveIn6
        from xsaves in ThreeIn4
        from supervisor in Supervisors
        from cetTogether in Coin
        from extraAligned in ExtraAligned
        from amxWithoutXfd in OneIn8
        select Build(style, ymm, mpx, avx512, pkru, amx, apx, xsaveopt, xsavec, xsaves, supervisor, cetTogether, extraAligned, amxWithoutXfd);

    private static SyntheticCpu Build(OffsetStyle style, bool ymm, bool mpx, bool avx512, bool pkru, bool amx, bool apx,
        bool xsaveopt, bool xsavec, bool xsaves, FeatureMask supervisor, bool cetTogether, FeatureMask extraAligned,
        bool amxWithoutXfd = false)
    {
        var user = ArchMasks.FpSse;
        if (ymm) user |= FeatureMask.Of(XFeature.Ymm);
        if (ymm && avx512) user |= ArchMasks.Avx512;          // AVX-512 state needs AVX state (R9)
        if (mpx && !apx && style != OffsetStyle.Amd) user |= ArchMasks.Mpx; // APX reuses the MPX region (R7)
        if (apx) user |= FeatureMask.Of(XFeature.Apx);
        if (pkru) user |= FeatureMask.Of(XFeature.Pkru);
        if (amx) user |= ArchMasks.Xtile;
        var xss = xsaves ? supervisor : FeatureMask.None;     // supervisor state needs XSAVES (R5)
        if (cetTogether && xss.Overlaps(ArchMasks.Cet)) xss |= ArchMasks.Cet;
        // Every AMX part enumerates XFD; a VM may not. Without it Linux keeps TILECFG but drops TILEDATA from XCR0, a
        // value XSETBV refuses (SPEC F3): a boot that dies (BootSummary.Failure). A few such CPUs are generated.
        return new SyntheticCpu(style, user, xss, xsaveopt, xsavec, xsaves, amx && !amxWithoutXfd, extraAligned & (user | xss));
    }

    /// <summary>Real profiles (clean ones only: the others have inconsistent enumerations) and synthetic CPUs.</summary>
    public static Gen<CpuCase> Any(IReadOnlyList<CpuModel> corpus)
    {
        var synthetic = Synthetic.Select(s => new CpuCase(s.ToCpuModel(), s));
        if (corpus.Count == 0) return synthetic;
        var real = Gen.Elements(corpus.ToArray()).Select(c => new CpuCase(c, null));
        return Gen.Frequency((1, real), (1, synthetic));
    }

    public static Arbitrary<CpuCase> Arbitrary(IReadOnlyList<CpuModel> corpus) =>
        Arb.From(Any(corpus), c => Shrink(c, corpus));

    /// <summary>
    /// Candidates strictly smaller by <see cref="CpuCase.Measure"/>: the nearest real profiles first (most shared
    /// components), then the synthetic description with one thing removed.
    /// </summary>
    public static IEnumerable<CpuCase> Shrink(CpuCase c, IReadOnlyList<CpuModel> corpus)
    {
        var all = c.Cpu.SupportedAll;
        foreach (var real in corpus
                     .Select(r => new CpuCase(r, null))
                     .Where(r => r.Measure.CompareTo(c.Measure) < 0 && r.Cpu.SupportedAll.IsSubsetOf(all))
                     .OrderByDescending(r => r.Cpu.SupportedAll.Count)
                     .Take(3))
            yield return real;

        if (c.Synthetic is not { } s) yield break;
        foreach (var smaller in ShrinkSynthetic(s).Where(x => x.Weight < s.Weight))
            yield return new CpuCase(smaller.ToCpuModel(), smaller);
    }

    private static IEnumerable<SyntheticCpu> ShrinkSynthetic(SyntheticCpu s)
    {
        // Whole groups first: the bundles stay whole, so the result stays architecturally valid.
        FeatureMask[] groups = [ArchMasks.Xtile, ArchMasks.Avx512, ArchMasks.Mpx, FeatureMask.Of(XFeature.Apx),
            FeatureMask.Of(XFeature.Pkru), FeatureMask.Of(XFeature.Lwp)];
        foreach (var g in groups.Where(g => s.User.Overlaps(g)))
            yield return s with { User = s.User.Except(g), Xfd = s.Xfd && !g.Overlaps(ArchMasks.Xtile), ExtraAligned = s.ExtraAligned.Except(g) };
        if (s.User.Contains(XFeature.Ymm) && !s.User.Overlaps(ArchMasks.Avx512))
            yield return s with { User = s.User.Without(XFeature.Ymm) };
        if (!s.Supervisor.IsEmpty) yield return s with { Supervisor = FeatureMask.None, ExtraAligned = s.ExtraAligned & s.User };
        foreach (int i in s.Supervisor.Indices())
            yield return s with { Supervisor = s.Supervisor.Without(i), ExtraAligned = s.ExtraAligned.Without(i) };
        if (!s.ExtraAligned.IsEmpty) yield return s with { ExtraAligned = FeatureMask.None };
        if (s.Xsaves && s.Supervisor.IsEmpty) yield return s with { Xsaves = false };
        if (s.Xsaveopt) yield return s with { Xsaveopt = false };
        if (s.Xsavec && !s.Xsaves) yield return s with { Xsavec = false };
        if (s.Style != OffsetStyle.Packed) yield return s with { Style = OffsetStyle.Packed };
    }
}
