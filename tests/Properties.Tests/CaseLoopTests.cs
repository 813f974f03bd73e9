using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;

namespace Xsave.Properties.Tests;

/// <summary>
/// The gate's case loop checks a law's cases without FsCheck's runner, so it must be the same run: for a seed, the
/// same inputs in the same order at the same sizes, and for a failure, the same report (cases, shrunk counterexample,
/// replay triple). The expected side of each comparison is FsCheck's own runner on the same law written as an FsCheck
/// property (a law whose check returns a Property only FsCheck can judge).
/// </summary>
public class CaseLoopTests
{
    /// <summary>A CPU, a mask and a size-dependent list: sensitive to the Rnd of each case and to its size.</summary>
    private sealed record Input(CpuAndMask Cpu, int[] Sized)
    {
        public string Key => $"{Cpu} [{string.Join(",", Sized)}]";
    }

    private sealed class InputCodec : IInputCodec<Input>
    {
        public JsonNode Encode(Input input) => new JsonObject { ["key"] = input.Key };
        public bool TryDecode(System.Text.Json.JsonElement json, out Input? input, out string? error) =>
            throw new NotSupportedException("not stored");
    }

    private static Arbitrary<Input> Inputs(PropertyContext ctx) =>
        Arb.From(from cpu in InputGen.CpuAndMask(ctx, (CpuModel c, ref SeededDraws d) => MaskDraws.SubsetOf(c.SupportedAll, ref d)).Generator
                 from sized in Gen.Sized(n => Gen.ArrayOf(Gen.Choose(0, 1000), n))
                 select new Input(cpu, sized),
            x => MaskGen.Shrink(x.Cpu.Mask).Select(m => x with { Cpu = x.Cpu with { Mask = m } }));

    /// <summary>The same law twice: judged by the case loop (CaseResult) and by FsCheck's runner (Property).</summary>
    private static (ConformanceProperty Loop, ConformanceProperty FsCheck) Twins(Func<Input, bool> holds, List<string>? loopSeen = null, List<string>? fsSeen = null)
    {
        var loop = new Law<Input>("test.loop", LawKind.Invariant, ["R1"], ContractPart.Layout, "t", Inputs, new InputCodec(),
            (_, x) => { loopSeen?.Add(x.Key); return CaseResult.Of(holds(x), $"fails on {x.Cpu.Mask.ToHex()}"); });
        var fsCheck = new Law<Input>("test.loop", LawKind.Invariant, ["R1"], ContractPart.Layout, "t", Inputs, new InputCodec(),
            (_, x) => { fsSeen?.Add(x.Key); return CaseResult.Of(holds(x), $"fails on {x.Cpu.Mask.ToHex()}").ToProperty(); });
        Assert.NotNull(loop.Cases(CatalogTests.Context()));
        Assert.Null(fsCheck.Cases(CatalogTests.Context()));
        return (loop, fsCheck);
    }

    [Fact]
    public void Every_catalogued_law_runs_in_the_case_loop()
    {
        // A law whose check returns an FsCheck Property still works, through FsCheck's runner, at a fraction of the speed.
        var onlyFsCheck = Catalog.All.Where(p => p.Cases(CatalogTests.Context()) is null).Select(p => p.Name).ToList();
        Assert.True(onlyFsCheck.Count == 0, "laws judged only by FsCheck's runner: " + string.Join(", ", onlyFsCheck));
    }

    [Theory]
    [InlineData(1UL, 100)]
    [InlineData(5UL, 100)]
    [InlineData(0xdeadbeefUL, 37)]
    public void A_seed_names_the_same_cases_in_both_runners(ulong seed, int cases)
    {
        List<string> loopSeen = [], fsSeen = [];
        var (loop, fsCheck) = Twins(_ => true, loopSeen, fsSeen);

        var viaLoop = PropertyRunner.Run(loop, CatalogTests.Context(), new RunBudget(cases, seed));
        var viaFsCheck = PropertyRunner.Run(fsCheck, CatalogTests.Context(), new RunBudget(cases, seed));

        Assert.Equal(Verdict.Pass, viaLoop.Verdict);
        Assert.Equal(Verdict.Pass, viaFsCheck.Verdict);
        Assert.Equal(cases, loopSeen.Count);
        Assert.Equal(fsSeen, loopSeen);
        Assert.True(loopSeen.Distinct().Count() > cases / 2, "the inputs vary"); // not one input repeated
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(9UL)]
    public void A_failure_is_reported_as_FsCheck_reports_it(ulong seed)
    {
        // Fails on any mask holding AVX state: found after a few cases and shrunk to the single bit.
        var (loop, fsCheck) = Twins(x => !x.Cpu.Mask.Contains(XFeature.Ymm));

        var viaLoop = PropertyRunner.Run(loop, CatalogTests.Context(), new RunBudget(100, seed));
        var viaFsCheck = PropertyRunner.Run(fsCheck, CatalogTests.Context(), new RunBudget(100, seed));

        Assert.Equal(Verdict.Diverge, viaLoop.Verdict);
        Assert.Equal(viaFsCheck.Verdict, viaLoop.Verdict);
        Assert.Equal(viaFsCheck.Cases, viaLoop.Cases);
        Assert.Equal((viaFsCheck.ReplaySeed, viaFsCheck.ReplayGamma, viaFsCheck.ReplaySize), (viaLoop.ReplaySeed, viaLoop.ReplayGamma, viaLoop.ReplaySize));
        Assert.Equal(Keys(viaFsCheck.Original), Keys(viaLoop.Original));
        Assert.Equal(Keys(viaFsCheck.Shrunk), Keys(viaLoop.Shrunk));
        Assert.Equal(FeatureMask.Of(XFeature.Ymm), ((Input)viaLoop.Shrunk![0]).Cpu.Mask);
        Assert.Equal(viaFsCheck.Message, viaLoop.Message);
    }

    [Fact]
    public void A_case_that_fails_once_and_then_holds_is_a_harness_error()
    {
        int calls = 0;
        var flaky = new Law<Input>("test.flaky", LawKind.Invariant, ["R1"], ContractPart.Layout, "t", Inputs, new InputCodec(),
            (_, _) => CaseResult.Of(Interlocked.Increment(ref calls) != 3, "failed once"));

        var outcome = PropertyRunner.Run(flaky, CatalogTests.Context(), new RunBudget(100, 1));

        Assert.Equal(Verdict.HarnessError, outcome.Verdict);
        Assert.Equal(3, outcome.Cases);
        Assert.Contains("not deterministic", outcome.Message);
        Assert.NotNull(outcome.Original);
    }

    [Fact]
    public void Branches_are_counted_as_FsCheck_counts_its_stamps()
    {
        ConformanceProperty Counting(bool viaFsCheck) => viaFsCheck
            ? new Law<Input>("test.count", LawKind.Invariant, ["R1"], ContractPart.Layout, "t", Inputs, new InputCodec(),
                (_, x) => Branch(x).ToProperty())
            : new Law<Input>("test.count", LawKind.Invariant, ["R1"], ContractPart.Layout, "t", Inputs, new InputCodec(),
                (_, x) => Branch(x));
        static CaseResult Branch(Input x) =>
            (x.Cpu.Mask.Contains(XFeature.Ymm) ? CaseResult.Held.In("ymm") : CaseResult.Held.In("no ymm"))
                .And(x.Sized.Length > 50 ? CaseResult.Held.In("long") : CaseResult.Held);

        var viaLoop = PropertyRunner.Run(Counting(false), CatalogTests.Context(), new RunBudget(100, 3));
        var viaFsCheck = PropertyRunner.Run(Counting(true), CatalogTests.Context(), new RunBudget(100, 3));

        Assert.Equal(viaFsCheck.Branches!.OrderBy(b => b.Key), viaLoop.Branches!.OrderBy(b => b.Key));
        Assert.Equal(100, viaLoop.Branches!["ymm"] + viaLoop.Branches["no ymm"]);
        Assert.InRange(viaLoop.Branches["long"], 1, 99);
    }

    private static List<string> Keys(IReadOnlyList<object>? inputs) => (inputs ?? []).Select(i => ((Input)i).Key).ToList();
}
