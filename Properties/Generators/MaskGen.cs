using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// Feature masks near the validity lattice (R8, R9): legal XCR0 values, single-bit flips of them (reserved bits and
/// bit 63 included), bundles half set, and now and then an arbitrary 64-bit value.
/// </summary>
public static class MaskGen
{
    public static Gen<FeatureMask> Uniform { get; } = SeededDraws.Seeds.Select(bits => new FeatureMask(bits));

    /// <summary>Any subset of <paramref name="mask"/>, each bit in it with probability 1/2 (one 64-bit draw: these
    /// generators are built per case, and an array of coin flips cost more to build than to draw).</summary>
    public static Gen<FeatureMask> SubsetOf(FeatureMask mask) =>
        mask.IsEmpty ? Gen.Constant(FeatureMask.None) : SeededDraws.Seeds.Select(bits => Deposit(bits, mask));

    /// <summary>The low bits of <paramref name="bits"/> placed, in order, at the set bits of <paramref name="mask"/>
    /// (BMI2's PDEP): a random subset of the mask from random bits.</summary>
    public static FeatureMask Deposit(ulong bits, FeatureMask mask)
    {
        ulong result = 0;
        for (ulong m = mask.Bits; m != 0; m &= m - 1, bits >>= 1)
            if ((bits & 1) != 0) result |= m & (~m + 1);
        return new FeatureMask(result);
    }

    /// <summary>A value XSETBV accepts on a CPU supporting <paramref name="supported"/> (x87 and whole groups).</summary>
    public static Gen<FeatureMask> LegalXcr0(FeatureMask supported) =>
        SeededDraws.Seeds.Select(take => MaskDraws.Legal(supported, take));

    /// <summary>A legal value with one bit flipped (any of the 64).</summary>
    public static Gen<FeatureMask> OneFlipFrom(Gen<FeatureMask> legal) =>
        from m in legal from bit in Gen.Choose(0, 63) select m ^ FeatureMask.Bit(bit);

    /// <summary>The XCR0 candidates the register laws use (<see cref="MaskDraws.NearXcr0Lattice"/>), from one seed: the
    /// generator is built per case, inside the CPU's bind, where five combinators cost more than the check.</summary>
    public static Gen<FeatureMask> NearXcr0Lattice(FeatureMask supported) =>
        SeededDraws.From(d => MaskDraws.NearXcr0Lattice(supported, ref d));

    /// <summary>Shrinks toward fewer bits: clear everything, then clear one bit at a time from the top.</summary>
    public static IEnumerable<FeatureMask> Shrink(FeatureMask mask)
    {
        if (mask.IsEmpty) yield break;
        if (mask.Count > 1) yield return FeatureMask.None;
        foreach (int i in mask.Indices().Reverse()) yield return mask.Without(i);
    }
}
