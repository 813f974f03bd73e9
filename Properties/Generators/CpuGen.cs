using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>A CPU drawn from seeded draws: how the architecture laws choose their CPUs (with the mask, one FsCheck draw).</summary>
public delegate CpuCase CpuDraw(ref SeededDraws d);

/// <summary>
/// CPU models: every real profile of the corpus, and architecturally valid synthetic ones (bundles whole, no
/// overlapping standard regions, realistic sizes, alignment/XFD/supervisor flags, vendor-style layouts with and
/// without the MPX gap). Shrinking goes toward fewer components and toward the nearest real profile.
/// </summary>
public static class CpuGen
{
    private static readonly OffsetStyle[] Styles = [OffsetStyle.Intel, OffsetStyle.Amd, OffsetStyle.Packed];
    private static readonly FeatureMask SupervisorChoices = FeatureMask.Range(8, 16).Without(9);
    private static readonly FeatureMask AlignableChoices =
        FeatureMask.Of(XFeature.Pkru, XFeature.CetUser, XFeature.CetKernel, XFeature.Pasid);

    /// <summary>Every choice from one seed (<see cref="SeededDraws"/>): fourteen FsCheck binds cost more than the CPU.</summary>
    public static Gen<SyntheticCpu> Synthetic { get; } = SeededDraws.From(d => DrawSynthetic(ref d));

    /// <summary>A real profile or a synthetic CPU, one to one (as <see cref="Any"/>), from seeded draws.</summary>
    public static CpuCase Draw(ref SeededDraws d, IReadOnlyList<CpuModel> corpus)
    {
        if (corpus.Count > 0 && d.Chance(1, 2)) return new CpuCase(d.Pick(corpus), null);
        var synthetic = DrawSynthetic(ref d);
        return new CpuCase(synthetic.ToCpuModel(), synthetic);
    }

    /// <summary>
    /// A real profile among <paramref name="real"/> or a synthetic CPU forced by <paramref name="force"/> to satisfy
    /// <paramref name="wanted"/>, one to one (as <see cref="InstructionGen.CpusWith"/>), from seeded draws.
    /// </summary>
    public static CpuCase DrawWith(ref SeededDraws d, IReadOnlyList<CpuModel> real, Func<CpuModel, bool> wanted,
        Func<SyntheticCpu, SyntheticCpu> force)
    {
        if (real.Count > 0 && d.Chance(1, 2)) return new CpuCase(d.Pick(real), null);
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            var synthetic = force(DrawSynthetic(ref d));
            var cpu = synthetic.ToCpuModel();
            if (wanted(cpu)) return new CpuCase(cpu, synthetic);
        }
        throw new InvalidOperationException("no synthetic CPU satisfied the law's condition in 1000 draws: its forcing does not make one");
    }

    /// <summary>One synthetic CPU with the odds of <see cref="Synthetic"/>.</summary>
    public static SyntheticCpu DrawSynthetic(ref SeededDraws d)
    {
        var style = d.Pick(Styles);
        bool ymm = d.Chance(4, 5), mpx = d.Chance(1, 2), avx512 = d.Chance(1, 2), pkru = d.Chance(1, 2);
        bool amx = d.Chance(1, 3), apx = d.Chance(1, 6), xsaveopt = d.Chance(5, 6), xsavec = d.Chance(5, 6);
        bool xsaves = d.Chance(3, 4);
        var supervisor = MaskGen.Deposit(d.Next(), SupervisorChoices);
        bool cetTogether = d.Chance(1, 2);
        var extraAligned = d.Chance(4, 5) ? FeatureMask.None : MaskGen.Deposit(d.Next(), AlignableChoices);
        bool amxWithoutXfd = d.Chance(1, 8);
        return Build(style, ymm, mpx, avx512, pkru, amx, apx, xsaveopt, xsavec, xsaves, supervisor, cetTogether, extraAligned, amxWithoutXfd);
    }

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

    /// <summary>Real profiles (clean ones only: the others have inconsistent enumerations) and synthetic CPUs, one to
    /// one: the choice <see cref="Draw"/> makes from seeded draws, as a generator (the instruction and kernel laws bind
    /// on it; moving them to <see cref="Draw"/> would change their case streams).</summary>
    public static Gen<CpuCase> Any(IReadOnlyList<CpuModel> corpus)
    {
        var synthetic = Synthetic.Select(s => new CpuCase(s.ToCpuModel(), s));
        if (corpus.Count == 0) return synthetic;
        var real = Gen.Elements(corpus.ToArray()).Select(c => new CpuCase(c, null));
        return Weighted.Of((1, real), (1, synthetic));
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
