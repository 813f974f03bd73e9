using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Cli.Composition;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Gate.Tests.Support;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>
/// Whole runs: the optimized implementation passes; each mutant fails the laws its bug breaks (SPEC H13: compacted
/// offsets ignore ECX[1] alignment; H10/H19: half an AMX bundle accepted in XCR0), one regression file per failure,
/// which replays failing against the mutant and passing against the optimized implementation.
/// </summary>
public class GateEngineTests
{
    /// <summary>The layout and register laws: where the two mutants' bugs are, and quick to run.</summary>
    private const string Arch = "layout.*,registers.*";

    /// <summary>Does the subject declare every part of the contract the law needs?</summary>
    private static bool Applicable(string property, string implementation = "optimized") =>
        Catalog.Find(property)!.SkipReason(ImplementationRegistry.Default.Resolve(implementation).Implementation!) is null;

    [Fact]
    public void Optimized_PassesEveryApplicableProperty_TheOthersAreSkippedWithTheReason()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, maxTests: 25));
        Assert.Equal(Catalog.All.Select(p => p.Name), report.Properties.Select(p => p.Name));
        Assert.Contains(report.Properties, p => Applicable(p.Name));
        foreach (var p in report.Properties)
        {
            if (Applicable(p.Name))
            {
                Assert.True(p.Verdict == Verdict.Pass, $"{p.Name}: {p.Reason}");
                Assert.Equal(25, p.Cases);
            }
            else
            {
                Assert.Equal(Verdict.NotApplicable, p.Verdict);
                Assert.StartsWith("optimized does not implement ", p.Reason);
                Assert.Equal(0, p.Cases);
            }
        }
        Assert.Empty(dir.AllFiles());
    }

    [Fact]
    public void H13Mutant_FailsTheCompactedLaws_OneFilePerFailure()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, Gates.H13, properties: Arch));

        var failed = report.Properties.Where(p => p.Verdict.Fails()).ToList();
        // The bug moves compacted offsets: the compacted layout and size laws must catch it; the standard ones not.
        Assert.Contains(failed, p => p.Name == "layout.compacted.differential");
        Assert.Contains(failed, p => p.Name == "layout.sizes.differential");
        Assert.DoesNotContain(failed, p => p.Name == "layout.standard.differential");
        Assert.All(failed, p => Assert.Equal(SaveStatus.Written, p.Regression!.Status));

        var files = dir.AllFiles();
        Assert.Equal(failed.Count, files.Count);
        Assert.Equal(failed.Select(p => Path.GetFileName(p.Regression!.Path)).Order(), files);
        foreach (var p in failed)
            Assert.StartsWith(p.Name + "-", Path.GetFileName(p.Regression!.Path));
    }

    [Fact]
    public void SameRunTwice_FindsTheSameFailures_WritesNothingNew_TouchesNothing()
    {
        using var dir = new Scratch();
        var first = Gates.Run(Gates.Settings(dir.Path, Gates.H13, properties: Arch));
        var before = dir.AllFiles().ToDictionary(f => f, f => (File.ReadAllText(dir.Sub(f)), File.GetLastWriteTimeUtc(dir.Sub(f))));
        foreach (var f in before.Keys) File.SetLastWriteTimeUtc(dir.Sub(f), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var second = Gates.Run(Gates.Settings(dir.Path, Gates.H13, properties: Arch));

        Assert.Equal(first.Failed, second.Failed);
        Assert.All(second.Regressions, r => Assert.Equal(SaveStatus.AlreadyKnown, r.Status));
        Assert.Equal(before.Keys, dir.AllFiles());
        foreach (var (f, (content, _)) in before)
        {
            Assert.Equal(content, File.ReadAllText(dir.Sub(f)));
            Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(dir.Sub(f)));
        }
    }

    [Theory]
    [InlineData(Gates.H13, "layout.compacted.differential")]
    [InlineData(Gates.H13, "layout.sizes.differential")]
    [InlineData(Gates.HalfAmx, "registers.xcr0.differential")]
    public void FoundFile_ReplaysFailingAgainstTheMutant_AndPassingAgainstOptimized(string mutant, string property)
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, mutant, properties: property));
        var failure = Assert.Single(report.Properties);
        Assert.Equal(Verdict.Diverge, failure.Verdict);
        var loaded = Gates.Load(failure.Regression!.File!);
        Assert.Equal(mutant, loaded.Record.Implementation);
        Assert.Equal("oracle", loaded.Record.Reference);
        Assert.NotNull(loaded.Record.Observed);
        Assert.NotNull(loaded.Record.Expected);
        Assert.NotEqual(CanonicalJson.Write(loaded.Record.Expected), CanonicalJson.Write(loaded.Record.Observed));

        var again = RegressionReplayer.Replay(loaded, Gates.Context(mutant));
        Assert.Equal(Verdict.Diverge, again.Verdict);
        Assert.True(again.SameAsRecorded);

        Assert.Equal(Verdict.Pass, RegressionReplayer.Replay(loaded, Gates.Context("optimized")).Verdict);
    }

    [Fact]
    public void HalfAmxMutant_StoredCase_HasHalfTheAmxBundle()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, Gates.HalfAmx, properties: "registers.xcr0.differential"));
        var loaded = Gates.Load(Assert.Single(report.Properties).Regression!.File!);
        var input = Assert.IsType<Xsave.Properties.Generators.CpuAndMask>(loaded.Input);
        // H10/H19: the bug only shows when exactly one of TILECFG (17) and TILEDATA (18) is set.
        Assert.Single((input.Mask & ArchMasks.Xtile).Indices());
    }

    [Fact]
    public void SameSeed_SameCases_SameFiles()
    {
        using var a = new Scratch();
        using var b = new Scratch();
        var first = Gates.Run(Gates.Settings(a.Path, Gates.H13, seed: 7, properties: Arch));
        var second = Gates.Run(Gates.Settings(b.Path, Gates.H13, seed: 7, properties: Arch));
        Assert.Equal(first.Properties.Select(p => (p.Name, p.Verdict, p.Cases, p.Failure?.InputText)),
            second.Properties.Select(p => (p.Name, p.Verdict, p.Cases, p.Failure?.InputText)));
        Assert.Equal(a.AllFiles(), b.AllFiles());
        foreach (var f in a.AllFiles())
            Assert.Equal(Gates.Load(a.Sub(f)).Record.CanonicalInput, Gates.Load(b.Sub(f)).Record.CanonicalInput);
    }

    [Fact]
    public void Sharding_DoesNotChangeAPropertysCases()
    {
        using var whole = new Scratch();
        using var sharded = new Scratch();
        var all = Gates.Run(Gates.Settings(whole.Path, Gates.H13, seed: 3, properties: Arch)).Properties.ToDictionary(p => p.Name);
        var shards = Enumerable.Range(1, 3).SelectMany(k => Gates.Run(Gates.Settings(sharded.Path, Gates.H13, seed: 3, shard: $"{k}/3", properties: Arch)).Properties).ToList();

        Assert.Equal(all.Keys.Order(), shards.Select(p => p.Name).Order());
        foreach (var p in shards)
            Assert.Equal((all[p.Name].Verdict, all[p.Name].Cases, all[p.Name].Failure?.InputText), (p.Verdict, p.Cases, p.Failure?.InputText));
        Assert.Equal(whole.AllFiles(), sharded.AllFiles());
    }

    [Fact]
    public void MaxTests_IsSpreadOverRounds_OfAtMost100()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, maxTests: 250, properties: "layout.sizes.differential"));
        Assert.Equal(250, Assert.Single(report.Properties).Cases);
    }

    [Fact]
    public void TimeBudget_SpentEarly_LaterPropertiesAreReportedSkipped_NotDropped()
    {
        using var dir = new Scratch();
        // Each clock reading moves 1 s on: the 5 s budget is gone after the first few properties.
        var clock = new SteppingClock(TimeSpan.FromSeconds(1));
        var settings = Gates.Settings(dir.Path, maxTests: null) with { TimeBudget = TimeSpan.FromSeconds(5) };
        var report = Gates.Run(settings, time: clock);

        Assert.Equal(Catalog.All.Count, report.Properties.Count);
        var skipped = report.Properties.Where(p => p.Verdict == Verdict.NotApplicable && Applicable(p.Name)).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, p => Assert.Contains("time budget of 5 s was used up before it started", p.Reason));
        Assert.Equal(Verdict.Pass, report.Properties[0].Verdict);
        Assert.True(report.Properties[0].Cases >= 100);
    }

    [Fact]
    public void Cancelled_AfterTheFirstProperty_RestAreSkipped_NoPartialFiles()
    {
        using var dir = new Scratch();
        using var cancel = new CancellationTokenSource();
        var report = Gates.Run(Gates.Settings(dir.Path, Gates.H13), new CancelAfterFirst(cancel), cancel.Token);

        Assert.True(report.Cancelled);
        Assert.NotEqual(Verdict.NotApplicable, report.Properties[0].Verdict);
        Assert.All(report.Properties.Skip(1).Where(p => Applicable(p.Name, Gates.H13)), p =>
        {
            Assert.Equal(Verdict.NotApplicable, p.Verdict);
            Assert.Contains("cancelled", p.Reason);
        });
        Assert.DoesNotContain(dir.AllFiles(), f => AtomicFile.IsTemporary(f));
        Assert.Equal(report.Properties[0].Verdict == Verdict.Diverge ? 1 : 0, dir.AllFiles().Count);
    }

    [Fact]
    public void PropertyNeedingAPartTheSubjectLacks_IsSkippedWithTheReason()
    {
        using var dir = new Scratch();
        var registry = new ImplementationRegistry([new LayoutOnlyProvider()]);
        var plan = Gates.Plan(Gates.Settings(dir.Path, "layout-only"), registry);
        var report = new GateEngine().Check(plan);

        var xcr0 = report.Properties.Single(p => p.Name == "registers.xcr0.differential");
        Assert.Equal(Verdict.NotApplicable, xcr0.Verdict);
        Assert.Contains("does not implement RegisterValidity", xcr0.Reason);
        Assert.Equal(Verdict.Pass, report.Properties.Single(p => p.Name == "layout.sizes.differential").Verdict);
    }

    [Fact]
    public void Plan_RejectsBadSettings_WithOneLineErrors()
    {
        using var dir = new Scratch();
        string Error(CheckSettings s)
        {
            Assert.False(GateComposition.TryCreatePlan(s, ImplementationRegistry.Default, out _, out var error));
            Assert.DoesNotContain('\n', error!.ToString());
            return error.ToString();
        }
        Assert.Contains("unknown implementation 'nope'", Error(Gates.Settings(dir.Path, "nope")));
        Assert.Contains("unknown property 'nope*'", Error(Gates.Settings(dir.Path, properties: "nope*")));
        Assert.Contains("--shard '3/2'", Error(Gates.Settings(dir.Path, shard: "3/2")));
        Assert.Contains("--max-tests 0", Error(Gates.Settings(dir.Path, maxTests: 0)));
        Assert.Contains("--time", Error(Gates.Settings(dir.Path) with { TimeBudget = TimeSpan.Zero }));
        Assert.Contains("CPU profile directory does not exist", Error(Gates.Settings(dir.Path) with { CpusDirectory = dir.Sub("none") }));
        Assert.Empty(dir.AllFiles());
    }

    /// <summary>A clock that moves a fixed step on every reading.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(_ticks);
    }

    /// <summary>Presses "Ctrl-C" as soon as the first property is done.</summary>
    private sealed class CancelAfterFirst(CancellationTokenSource cancel) : IGateProgress
    {
        public void RunStarted(CheckPlan plan) { }
        public void PropertyStarted(ConformanceProperty property, int position, int total) { }
        public void CasesRun(ConformanceProperty property, int cases) { }
        public void PropertyFinished(PropertyReport report, int position, int total) => cancel.Cancel();
    }

    /// <summary>The optimized implementation declaring only the layout part of the contract.</summary>
    private sealed class LayoutOnlyProvider : IImplementationProvider
    {
        public IReadOnlyList<ImplementationInfo> Listed { get; } = [new("layout-only", "optimized, layouts only")];

        public ImplementationLookup? TryResolve(string name) => name == "layout-only" ? ImplementationLookup.Found(new LayoutOnly()) : null;

        /// <summary>Forwards everything to the optimized implementation (a decorator, like the mutants) but declares less.</summary>
        private sealed class LayoutOnly() : MutantImplementation(new OptimizedImplementation())
        {
            public override string Name => "layout-only";
            public override string Description => "layouts only";
            public override string Source => "test double";
            public override ImplementationCapabilities Capabilities { get; } = new(ContractPart.Layout);
        }
    }
}
