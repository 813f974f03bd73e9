using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>A mask for a CPU, drawn from seeded draws: how the architecture laws choose their masks (one FsCheck draw per
/// case for the CPU and the mask together; a generator built per case inside the CPU's bind cost more than the check).</summary>
public delegate FeatureMask MaskDraw(CpuModel cpu, ref SeededDraws d);

/// <summary>
/// The choices of <see cref="MaskGen"/> as plain draws from <see cref="SeededDraws"/>: the same odds, no generator
/// object. <see cref="MaskGen.NearXcr0Lattice"/> and <see cref="MaskGen.LegalXcr0"/> are built on these (the first on
/// the draws of one FsCheck seed, the second on <see cref="Legal"/> of the seed itself), so the kernel laws that use
/// them draw the values they drew before.
/// </summary>
public static class MaskDraws
{
    /// <summary>Groups XSETBV enables together; within the CPU's support they give the legal XCR0 values.</summary>
    private static readonly FeatureMask[] Xcr0Groups =
    [
        FeatureMask.Of(XFeature.Sse),
        FeatureMask.Of(XFeature.Sse, XFeature.Ymm),
        ArchMasks.Mpx,
        ArchMasks.Avx512 | FeatureMask.Of(XFeature.Sse, XFeature.Ymm),
        FeatureMask.Of(XFeature.Pkru),
        ArchMasks.Xtile,
        FeatureMask.Of(XFeature.Apx),
        FeatureMask.Of(XFeature.Lwp),
    ];

    private static readonly FeatureMask[] HalfBundles = [ArchMasks.Mpx, ArchMasks.Avx512, ArchMasks.Xtile];

    /// <summary>Any 64-bit value.</summary>
    public static FeatureMask Uniform(ref SeededDraws d) => new(d.Next());

    /// <summary>Any subset of <paramref name="mask"/>, each of its bits with probability 1/2.</summary>
    public static FeatureMask SubsetOf(FeatureMask mask, ref SeededDraws d) => MaskGen.Deposit(d.Next(), mask);

    /// <summary>A value XSETBV accepts on a CPU supporting <paramref name="supported"/>: x87 (when supported) and any of
    /// the whole groups it supports, each with probability 1/2.</summary>
    public static FeatureMask LegalXcr0(FeatureMask supported, ref SeededDraws d) => Legal(supported, d.Next());

    /// <summary>The legal value whose groups are those of the supported ones whose bit in <paramref name="take"/> is
    /// set (the k-th supported group by bit k).</summary>
    public static FeatureMask Legal(FeatureMask supported, ulong take)
    {
        var value = FeatureMask.Of(XFeature.Fp) & supported;
        int k = 0;
        foreach (var g in Xcr0Groups)
        {
            if (!g.IsSubsetOf(supported)) continue;
            if (((take >> k++) & 1) != 0) value |= g;
        }
        return value;
    }

    /// <summary>
    /// The XCR0 candidates of the register laws: mostly legal (5 in 12), often one bit off (3), one bundle half set
    /// (2), sometimes any subset of the supported bits (1) or anything (1).
    /// </summary>
    public static FeatureMask NearXcr0Lattice(FeatureMask supported, ref SeededDraws d) => d.Below(12) switch
    {
        < 5 => Legal(supported, d.Next()),
        < 8 => Legal(supported, d.Next()) ^ FeatureMask.Bit(d.Below(64)),
        < 10 => HalfSet(Legal(supported, d.Next()), d.Pick(HalfBundles), d.Next()),
        < 11 => MaskGen.Deposit(d.Next(), supported),
        _ => new FeatureMask(d.Next()),
    };

    /// <summary>The bundle cleared from <paramref name="value"/> but for one of its bits.</summary>
    private static FeatureMask HalfSet(FeatureMask value, FeatureMask bundle, ulong draw) =>
        value.Except(bundle) | MaskGen.Deposit(1UL << (int)(draw % (ulong)bundle.Count), bundle);
}
