using FsCheck;
using FsCheck.Fluent;
using Xsave.Cli.Composition;
using Xsave.Contract.Implementations;
using Xsave.Gate.Running;
using Xsave.Gate.Tests.Support;
using Xsave.Properties;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.TestSupport;

namespace Xsave.Gate.Tests;

/// <summary>
/// Declared branches (issue 16): a law that holds but never reaches a branch it declares, or is vacuous beyond its
/// bound, is a harness error with the counts named; the counts are in the report either way.
/// </summary>
public class LawCoverageTests
{
    [Fact]
    public void A_law_that_reaches_every_declared_branch_passes_with_its_counts()
    {
        var report = RunOne(Law("reached", x => x.Mask.Contains(0) ? "x87 in mask" : "x87 not in mask").Declares("x87 in mask", "x87 not in mask"));

        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Equal(100, report.Branches!["x87 in mask"] + report.Branches["x87 not in mask"]);
    }

    [Fact]
    public void A_declared_branch_never_reached_fails_the_law_as_a_harness_error_naming_it()
    {
        var report = RunOne(Law("unreached", _ => "ordinary").Declares("ordinary", "bit 63 in mask"));

        Assert.Equal(Verdict.HarnessError, report.Verdict);
        Assert.Contains("declared branch never reached in 100 cases: bit 63 in mask", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_law_vacuous_beyond_its_bound_fails_with_the_share()
    {
        var law = Law("mostly-vacuous", x => x.Mask.Count > 1 ? LawCoverage.Vacuous : "one bit")
            .Declares(new LawCoverage(["one bit"], MaxVacuousShare: 0.1));

        var report = RunOne(law);

        Assert.Equal(Verdict.HarnessError, report.Verdict);
        Assert.Matches(@"coverage: \d+ % of 100 cases were vacuous \(bound 10 %\)", report.Reason!.Replace("\u00a0", " "));
    }

    [Fact]
    public void Fewer_cases_than_the_default_budget_are_not_judged()
    {
        var report = RunOne(Law("unreached-short", _ => "ordinary").Declares("never"), maxTests: 20);

        Assert.Equal(Verdict.Pass, report.Verdict);
    }

    private static ConformanceProperty Law(string name, Func<CpuAndMask, string> branch) =>
        new Law<CpuAndMask>("test." + name, LawKind.Invariant, ["R1"], ContractPart.Layout, "a test law",
            ctx => InputGen.CpuAndMask(ctx, (Xsave.Contract.CpuModel cpu, ref SeededDraws d) => MaskDraws.SubsetOf(cpu.SupportedAll, ref d)), InputCodecs.CpuAndMask,
            (_, x) => true.ToProperty().Classify(true, branch(x)));

    private static PropertyReport RunOne(ConformanceProperty law, int maxTests = 100)
    {
        using var directory = new Scratch();
        var settings = Gates.Settings(directory.Path, maxTests: maxTests);
        Assert.True(CheckPlan.TryCreate(settings, ImplementationRegistry.Default.Resolve(null).Implementation!,
            ImplementationRegistry.Reference(), [law], out var plan, out var error), error?.ToString());
        return new GateEngine().Check(plan!).Properties.Single();
    }
}
