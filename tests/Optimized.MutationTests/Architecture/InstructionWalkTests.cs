namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R17-R29 on every clean corpus CPU: seeded <see cref="InstructionWalk"/>s whose every step equals the oracle's. Three
/// base seeds, so a kill does not hang on one random sequence (one seed alone lost 12 kills when the walk drew one more
/// number per restore; BENCHMARKS.md, Stryker section).
/// </summary>
public class InstructionWalkTests
{
    private const int Steps = 150;

    [Theory]
    [InlineData(16)]
    [InlineData(1016)]
    [InlineData(2016)]
    public void SeededWalks_EqualTheOracleAtEveryStep(int seed)
    {
        var reached = new HashSet<string>();
        foreach (var cpu in Subjects.DistinctCleanXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            var walk = new InstructionWalk(cpu, seed++);
            if (walk.Run(Steps, subject, reference) is { } failure) Assert.Fail(failure);
            reached.UnionWith(walk.Reached);
        }
        // Not vacuous: every instruction succeeded somewhere, the modified optimization was in play, and the faults ran.
        string[] expected =
        [
            "ok Xsave", "ok Xsaveopt", "ok Xsavec", "ok Xsaves", "ok Xrstor", "ok Xrstors", "ok XsetbvOp", "ok XgetbvOp(0)",
            "ok XgetbvOp(1)", "ok WrmsrOp(Xss)", "ok WrmsrOp(Xfd)", "ok WrmsrOp(XfdErr)", "ok InitOp", "ok ResetOp",
            "tracked Xsaveopt", "tracked Xsaves", "#UD Xsave", "#NM Xsave", "#GP Xsaves", "#GP Xrstor", "#GP Xrstors", "#PF Xsave",
            "#PF Xrstor", "#NM Xrstor", "#GP XsetbvOp", "#GP XgetbvOp(2)", "#GP WrmsrOp(Xss)",
        ];
        Assert.Empty(expected.Except(reached));
    }
}
