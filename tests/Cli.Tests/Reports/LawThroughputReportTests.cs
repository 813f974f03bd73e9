using Xsave.Cli.Reports;
using Xsave.Properties.Running;

namespace Xsave.Cli.Tests.Reports;

/// <summary>
/// How 'bench --laws' aggregates: a family's rate is what the gate achieves running the same number of cases of each of
/// its laws (100 cases of a 100/s law and of a 300/s law take 1 + 1/3 s: 150 cases/s), whatever time each law was
/// measured for; "met" compares the ratio with issue 16's target.
/// </summary>
public class LawThroughputReportTests
{
    private static LawRate Rate(string name, string family, int cases, double seconds) => new(name, family, cases, TimeSpan.FromSeconds(seconds));

    [Fact]
    public void FamilyRate_IsTheGatesRateOnEqualCaseCounts()
    {
        var report = LawThroughputReport.Build("optimized", Rate(LawThroughput.TrivialName, "baseline", 300, 1),
        [
            Rate("kernel.a", "kernel", 100, 1),   // 100/s, measured 1 s
            Rate("kernel.b", "kernel", 1500, 5),  // 300/s, measured 5 s: must not weigh five times as much
            Rate("layout.a", "architecture", 600, 1),
        ]);
        var kernel = report.Families.Single(f => f.Family == "kernel");
        Assert.Equal(150, kernel.CasesPerSecond);
        Assert.Equal(0.5, kernel.Ratio);
        Assert.Equal(0.12, kernel.Target);
        Assert.True(kernel.Met);
        var architecture = report.Families.Single(f => f.Family == "architecture");
        Assert.Equal(2.0, architecture.Ratio);
        Assert.True(architecture.Met);
    }

    [Fact]
    public void Ratio_IsOverTheBaselineMeasuredAlongsideTheLaw_AndTheFamilysIsTheirHarmonicMean()
    {
        // The machine's load moved between the two laws: each law's baseline, interleaved with it, saw the same load.
        var report = LawThroughputReport.Build("optimized", Rate(LawThroughput.TrivialName, "baseline", 1000, 1),
        [
            Rate("layout.a", "architecture", 400, 1) with { Baseline = Rate(LawThroughput.TrivialName, "baseline", 500, 1) },   // 0.8
            Rate("layout.b", "architecture", 900, 1) with { Baseline = Rate(LawThroughput.TrivialName, "baseline", 450, 1) },   // 2.0
            Rate("layout.c", "architecture", 500, 1),                                                                            // 0.5, the run's baseline
        ]);
        Assert.Equal([0.8, 2.0, 0.5], report.Laws.Select(l => l.Ratio));
        Assert.Equal([500, 450, 1000], report.Laws.Select(l => l.BaselineCasesPerSecond));
        var architecture = report.Families.Single();
        Assert.Equal(Math.Round(3 / (1 / 0.8 + 1 / 2.0 + 1 / 0.5), 3), architecture.Ratio); // 0.8: the gate's time for equal cases
        Assert.Equal(Math.Round(3 / (1 / 400.0 + 1 / 900.0 + 1 / 500.0)), architecture.CasesPerSecond);
        Assert.False(architecture.Met);
    }

    [Fact]
    public void Met_IsFalse_BelowTheTarget_AndNull_WithoutOne()
    {
        var report = LawThroughputReport.Build("optimized", Rate(LawThroughput.TrivialName, "baseline", 1000, 1),
            [Rate("layout.a", "architecture", 999, 1), Rate("instructions.a", "instructions", 10, 1)]);
        Assert.False(report.Families.Single(f => f.Family == "architecture").Met);
        var instructions = report.Families.Single(f => f.Family == "instructions");
        Assert.Null(instructions.Target);
        Assert.Null(instructions.Met);
    }
}
