using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Implementations;
using Xsave.Cli.Composition;
using Xsave.Gate.Running;
using Xsave.Gate.Tests.Support;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>
/// A round that never ends must not hold the run: under --time it is abandoned after its share of the budget (at
/// least the grace) and the property fails as timed out, the other properties still run; Ctrl-C stops it at once.
/// </summary>
public sealed class WatchdogTests : IDisposable
{
    private readonly ManualResetEventSlim _release = new();

    public void Dispose()
    {
        _release.Set(); // let the abandoned rounds end
        _release.Dispose();
    }

    public sealed record Nothing;

    private sealed class NothingCodec : IInputCodec<Nothing>
    {
        public JsonNode Encode(Nothing input) => new JsonObject();
        public bool TryDecode(JsonElement json, out Nothing? input, out string? error) { input = new Nothing(); error = null; return true; }
    }

    /// <summary>A law whose every case blocks until the test ends.</summary>
    private ConformanceProperty Hanging() => new Law<Nothing>("test.hangs", LawKind.Invariant, ["R1"], ContractPart.None,
        "blocks", _ => Arb.From(Gen.Constant(new Nothing())), new NothingCodec(),
        (_, _) => { _release.Wait(); return true.Label("released"); });

    private CheckPlan Plan(Scratch dir, TimeSpan? budget)
    {
        var catalogue = new[] { Hanging(), Catalog.Find("layout.sizes.differential")! };
        var settings = Gates.Settings(dir.Path, maxTests: budget is null ? 100 : null) with { TimeBudget = budget };
        Assert.True(GateComposition.TryCreatePlan(settings, ImplementationRegistry.Default, catalogue, out var plan, out var error), error?.ToString());
        return plan!;
    }

    [Fact]
    public void HangingRound_UnderATimeBudget_FailsAsTimedOut_AndTheRunGoesOn()
    {
        using var dir = new Scratch();
        var clock = Stopwatch.StartNew();
        var report = new GateEngine(roundGrace: TimeSpan.FromSeconds(2)).Check(Plan(dir, TimeSpan.FromSeconds(3)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        var hung = report.Properties[0];
        Assert.Equal(Verdict.HarnessError, hung.Verdict);
        Assert.StartsWith("timed out: round 0 (100 cases", hung.Reason);
        Assert.Null(hung.Regression);
        Assert.True(report.Properties[1].Verdict == Verdict.Pass, report.Properties[1].Reason);
        Assert.Empty(dir.AllFiles());
    }

    [Fact]
    public void HangingRound_Cancelled_StopsAtOnce()
    {
        using var dir = new Scratch();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var report = new GateEngine().Check(Plan(dir, budget: null), null, cancel.Token);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.True(report.Cancelled);
        Assert.All(report.Properties, p => Assert.Equal(Verdict.NotApplicable, p.Verdict));
        Assert.Contains("cancelled", report.Properties[0].Reason);
    }
}
