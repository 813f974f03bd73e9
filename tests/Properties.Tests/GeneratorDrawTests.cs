using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Tests;

/// <summary>
/// The cheap draws the generators are built from (issue 16's throughput: one seed per value instead of a bind per
/// choice): SplitMix decisions with the stated odds, PDEP-style subsets, weighted choice, and the synthetic CPUs they
/// make — the same distribution the combinator versions had, and offsets as the SDM's vendor layouts give them.
/// Draws are from fixed seeds, so every figure here is deterministic; the bounds are several standard deviations wide.
/// </summary>
public class GeneratorDrawTests
{
    private static T[] Sample<T>(Gen<T> gen, int n) => Gen.Sample(gen, n, new Rnd(20261207UL, 0x9E3779B97F4A7C15UL), 50);

    [Fact]
    public void SeededDraws_AreReproducible_AndChanceHasItsOdds()
    {
        var a = new SeededDraws(42);
        var b = new SeededDraws(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.Next(), b.Next());

        var d = new SeededDraws(7);
        int fourInFive = 0, oneInSix = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            if (d.Chance(4, 5)) fourInFive++;
            if (d.Chance(1, 6)) oneInSix++;
        }
        Assert.InRange(fourInFive / (double)n, 0.795, 0.805);
        Assert.InRange(oneInSix / (double)n, 0.162, 0.171);
    }

    [Fact]
    public void SeededDraws_Below_ReachesEveryValue_Evenly()
    {
        var d = new SeededDraws(11);
        var counts = new int[64];
        for (int i = 0; i < 64_000; i++) counts[d.Below(64)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150)); // 1000 expected, sd ≈ 31
    }

    [Theory]
    // PDEP: the low bits of the source go, in order, to the set bits of the mask.
    [InlineData(0b101UL, 0b1101_0000UL, 0b1001_0000UL)]
    [InlineData(0b11UL, 0x8000_0000_0000_0001UL, 0x8000_0000_0000_0001UL)]
    [InlineData(0b10UL, 0x0006_0000UL, 0x0004_0000UL)] // AMX: TILECFG not taken, TILEDATA taken
    [InlineData(ulong.MaxValue, 0x2E7UL, 0x2E7UL)]
    [InlineData(0UL, 0x2E7UL, 0UL)]
    public void Deposit_PlacesTheLowBitsAtTheMasksBits(ulong bits, ulong mask, ulong expected) =>
        Assert.Equal(expected, MaskGen.Deposit(bits, new FeatureMask(mask)).Bits);

    [Fact]
    public void SubsetOf_StaysInTheMask_AndTakesEachBitHalfTheTime()
    {
        var mask = new FeatureMask(0x6_02E7); // x87..AVX-512, PKRU, AMX
        var draws = Sample(MaskGen.SubsetOf(mask), 20_000);
        Assert.All(draws, m => Assert.True(m.IsSubsetOf(mask), m.ToHex()));
        foreach (int bit in mask.Indices())
            Assert.InRange(draws.Count(m => m.Contains(bit)) / 20_000.0, 0.48, 0.52);
        Assert.All(Sample(MaskGen.SubsetOf(FeatureMask.None), 10), m => Assert.True(m.IsEmpty));
    }

    [Fact]
    public void LegalXcr0_TakesWholeGroupsOnly()
    {
        var cpu = new FeatureMask(0x6_02FF); // x87, SSE, AVX, MPX, AVX-512, PKRU, AMX
        foreach (var m in Sample(MaskGen.LegalXcr0(cpu), 5_000))
        {
            Assert.True(m.Contains(XFeature.Fp));
            foreach (ulong bundle in new[] { 0x18UL, 0xE0UL, 0x6_0000UL })
                Assert.True((m.Bits & bundle) == 0 || (m.Bits & bundle) == bundle, m.ToHex());
            Assert.True(!m.Contains(XFeature.Ymm) || m.Contains(XFeature.Sse), m.ToHex());
        }
    }

    [Fact]
    public void Weighted_ChoosesInProportionToTheWeights()
    {
        var draws = Sample(Weighted.Of((6, Gen.Constant('a')), (3, Gen.Constant('b')), (1, Gen.Constant('c'))), 30_000);
        Assert.InRange(draws.Count(c => c == 'a') / 30_000.0, 0.59, 0.61);
        Assert.InRange(draws.Count(c => c == 'b') / 30_000.0, 0.29, 0.31);
        Assert.InRange(draws.Count(c => c == 'c') / 30_000.0, 0.093, 0.107);
    }

    [Fact]
    public void SyntheticCpus_KeepTheirStatedMix()
    {
        var cpus = Sample(CpuGen.Synthetic, 30_000);
        double Share(Func<SyntheticCpu, bool> p) => cpus.Count(p) / 30_000.0;
        Assert.InRange(Share(c => c.Style == OffsetStyle.Packed), 0.32, 0.35);
        Assert.InRange(Share(c => c.User.Contains(XFeature.Ymm)), 0.79, 0.81);                 // AVX 4 in 5
        Assert.InRange(Share(c => c.User.Contains(XFeature.XtileData)), 0.32, 0.35);          // AMX 1 in 3
        Assert.InRange(Share(c => c.User.Contains(XFeature.XtileData) && !c.Xfd), 0.035, 0.048); // of those, 1 in 8 without XFD
        Assert.InRange(Share(c => c.Xsaves), 0.74, 0.76);                                     // 3 in 4
        Assert.All(cpus, c => Assert.True(c.Xsaves || c.Supervisor.IsEmpty));                // supervisor state needs XSAVES (R5)
        Assert.All(cpus, c => Assert.True(!c.User.Overlaps(new FeatureMask(0xE0)) || c.User.Contains(XFeature.Ymm))); // R9
    }

    [Fact]
    public void SyntheticCpu_Intel_UsesTheSdmOffsets_AndPacked_PacksAt64Bytes()
    {
        var user = new FeatureMask(0x6_02E7); // x87, SSE, AVX, AVX-512, PKRU, AMX
        var intel = new SyntheticCpu(OffsetStyle.Intel, user, FeatureMask.None, true, true, true, true, FeatureMask.None).ToCpuModel();
        // Intel's standard offsets (SDM Vol. 1 13.4; Sapphire Rapids' leaf 0xD): AVX 576, opmask 1088, ZMM_Hi256 1152,
        // Hi16_ZMM 1664, PKRU 2688, TILECFG 2752, TILEDATA 2816; EBX/ECX = the end of TILEDATA.
        Assert.Equal([576, 1088, 1152, 1664, 2688, 2752, 2816], new[] { 2, 5, 6, 7, 9, 17, 18 }.Select(intel.StandardOffset));
        Assert.Equal(2816u + 8192u, intel.MaxStandardSize);

        var packed = new SyntheticCpu(OffsetStyle.Packed, new FeatureMask(0x207), FeatureMask.None, true, true, false, false, FeatureMask.None).ToCpuModel();
        // AVX (256 bytes) right after the header at 576; PKRU at the next 64-byte boundary after 832.
        Assert.Equal(576, packed.StandardOffset(2));
        Assert.Equal(832, packed.StandardOffset(9));
        Assert.Equal(840u, packed.MaxStandardSize);
    }
}
