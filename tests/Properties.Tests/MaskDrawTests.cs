using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Properties.Generators;
using Xsave.TestSupport;

namespace Xsave.Properties.Tests;

/// <summary>
/// The architecture laws draw their CPU and mask from one seed (<see cref="MaskDraws"/>, <see cref="CpuGen.Draw"/>):
/// legality judged by the oracle's XSETBV rules (R8, R9), the odds the generators state, and the CPU mix of
/// <see cref="CpuGen.Any"/> (real and synthetic one to one). Fixed seeds: every figure is deterministic.
/// </summary>
public class MaskDrawTests
{
    private static IReadOnlyList<CpuModel> CleanCpus { get; } =
        Corpus.Profiles.Where(p => p.Clean).Select(p => p.ToCpuModel()).ToList();

    [Fact]
    public void LegalXcr0_IsAcceptedByTheOraclesXsetbvRules_OnEveryCleanCorpusCpu()
    {
        var d = new SeededDraws(2026);
        int checkedValues = 0;
        foreach (var cpu in CleanCpus)
            for (int i = 0; i < 200; i++, checkedValues++)
            {
                var value = MaskDraws.LegalXcr0(cpu.SupportedXcr0, ref d);
                Assert.True(Xcr0Rules.Check(cpu, value).Valid, $"{cpu.Id}: {value.ToHex()} refused by the oracle");
            }
        Assert.True(checkedValues >= 200 * 100, $"only {checkedValues} values checked"); // the corpus has over 100 clean CPUs
    }

    [Fact]
    public void LegalXcr0_ReachesEveryGroupTheCpuSupports()
    {
        var cpu = Corpus.Cpu(Corpus.SapphireRapids); // x87..AVX-512, PKRU, AMX
        var d = new SeededDraws(5);
        var seen = FeatureMask.None;
        for (int i = 0; i < 1000; i++) seen |= MaskDraws.LegalXcr0(cpu.SupportedXcr0, ref d);
        Assert.Equal(cpu.SupportedXcr0, seen);
    }

    [Fact]
    public void NearXcr0Lattice_IsLegalAboutHalfTheTime_ByTheOracle()
    {
        // 5 in 12 legal by construction; a flipped bit or an arbitrary value is sometimes legal too, a half bundle never.
        var cpu = Corpus.Cpu(Corpus.SapphireRapids);
        var d = new SeededDraws(9);
        const int n = 20_000;
        int accepted = 0;
        for (int i = 0; i < n; i++)
            if (Xcr0Rules.Check(cpu, MaskDraws.NearXcr0Lattice(cpu.SupportedXcr0, ref d)).Valid) accepted++;
        Assert.InRange(accepted / (double)n, 5 / 12.0 - 0.01, 5 / 12.0 + 0.20);
    }

    [Fact]
    public void TheGeneratorOfTheSameName_DrawsTheSameValues()
    {
        // MaskGen's generators are MaskDraws from one FsCheck seed: a kernel law's stream did not change with them.
        var supported = new FeatureMask(0x6_02FF);
        var rnd = new Rnd(20261207UL, 0x9E3779B97F4A7C15UL);
        var seeds = Gen.Sample(SeededDraws.Seeds, 500, rnd, 50);
        var near = Gen.Sample(MaskGen.NearXcr0Lattice(supported), 500, rnd, 50);
        var legal = Gen.Sample(MaskGen.LegalXcr0(supported), 500, rnd, 50);
        for (int i = 0; i < seeds.Length; i++)
        {
            var d = new SeededDraws(seeds[i]);
            Assert.Equal(MaskDraws.NearXcr0Lattice(supported, ref d), near[i]);
            Assert.Equal(MaskDraws.Legal(supported, seeds[i]), legal[i]);
        }
    }

    [Fact]
    public void CpuDraw_IsRealOrSyntheticOneToOne_AndRealOnesComeFromTheCorpus()
    {
        var d = new SeededDraws(77);
        const int n = 20_000;
        int real = 0;
        for (int i = 0; i < n; i++)
        {
            var cpu = CpuGen.Draw(ref d, CleanCpus);
            if (!cpu.IsReal) continue;
            real++;
            Assert.Contains(cpu.Cpu, CleanCpus);
        }
        Assert.InRange(real / (double)n, 0.49, 0.51);

        var noCorpus = new SeededDraws(3);
        Assert.False(CpuGen.Draw(ref noCorpus, []).IsReal);
    }

    [Fact]
    public void DrawWith_GivesOnlyWantedCpus_HalfOfThemReal()
    {
        Func<CpuModel, bool> wanted = InstructionGen.HasXfdComponent;
        var real = CorpusFilter.Matching(CleanCpus, wanted);
        Assert.NotEmpty(real); // the corpus has AMX parts with XFD
        Assert.Equal(CleanCpus.Where(wanted), real);
        var d = new SeededDraws(13);
        const int n = 4_000;
        int fromCorpus = 0;
        for (int i = 0; i < n; i++)
        {
            var cpu = CpuGen.DrawWith(ref d, real, wanted, s => s with { User = s.User | ArchMasks.Xtile, Xfd = true });
            Assert.True(wanted(cpu.Cpu), cpu.ToString());
            if (cpu.IsReal) fromCorpus++;
        }
        Assert.InRange(fromCorpus / (double)n, 0.47, 0.53);
    }

    [Fact]
    public void DrawWith_NamesTheProblem_WhenTheForcingCannotSatisfyTheCondition()
    {
        var d = new SeededDraws(1);
        var e = Assert.Throws<InvalidOperationException>(() => CpuGen.DrawWith(ref d, [], _ => false, s => s));
        Assert.Contains("forcing", e.Message);
    }
}
