using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Tests;

/// <summary>
/// The suite catches deliberately wrong implementations, and shrinks what it finds to a small case. Bounds, not exact
/// minima: FsCheck's shrinking is greedy (FSCHECK.md §10).
/// </summary>
public class MutantTests
{
    private static PropertyOutcome RunAgainst(IXstateImplementation subject, string property, ulong seed = 1) =>
        PropertyRunner.Run(Catalog.Find(property)!, CatalogTests.Context() with { Subject = subject }, new RunBudget(500, seed));

    [Fact]
    public void UnalignedCompactedSize_H13_IsCaughtAndShrunkToAnAlignedComponent()
    {
        var outcome = RunAgainst(new UnalignedCompactedSize(new OptimizedImplementation()), "layout.compacted.differential");
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        var shrunk = Assert.IsType<CpuAndMask>(Assert.Single(outcome.Shrunk!));
        // The bug needs one 64-byte-aligned component after something that leaves the offset unaligned.
        Assert.Contains(shrunk.Mask.Indices(), i => shrunk.Cpu.Cpu.IsAligned64(i));
        Assert.True(shrunk.Mask.Count <= 3, $"shrunk mask still has {shrunk.Mask.Count} bits: {shrunk}");
    }

    [Fact]
    public void HalfAmxAccepted_IsCaughtWithAHalfBundle()
    {
        var outcome = RunAgainst(new HalfAmxAccepted(new OptimizedImplementation()), "registers.xcr0.differential");
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        var shrunk = Assert.IsType<CpuAndMask>(Assert.Single(outcome.Shrunk!));
        Assert.Single((shrunk.Mask & ArchMasks.Xtile).Indices());
    }

    [Fact]
    public void SameSeed_SameOutcome()
    {
        var subject = new UnalignedCompactedSize(new OptimizedImplementation());
        var a = RunAgainst(subject, "layout.compacted.differential", seed: 42);
        var b = RunAgainst(subject, "layout.compacted.differential", seed: 42);
        Assert.Equal(a.Cases, b.Cases);
        Assert.Equal(a.Shrunk!.Single().ToString(), b.Shrunk!.Single().ToString());
    }

    [Fact]
    public void ReplayOfTheFailingStep_FailsAgain()
    {
        var subject = new UnalignedCompactedSize(new OptimizedImplementation());
        var found = RunAgainst(subject, "layout.compacted.differential", seed: 7);
        var again = PropertyRunner.Replay(Catalog.Find("layout.compacted.differential")!, CatalogTests.Context() with { Subject = subject },
            found.ReplaySeed!.Value, found.ReplayGamma!.Value, found.ReplaySize!.Value);
        Assert.Equal(Verdict.Diverge, again.Verdict);
        Assert.Equal(found.Shrunk!.Single().ToString(), again.Shrunk!.Single().ToString());
    }
}

/// <summary>Shrunk inputs survive a JSON round trip and re-check the same way (how regression files replay).</summary>
public class StoredInputTests
{
    [Fact]
    public void ShrunkCase_RoundTripsThroughJson_AndStillFails()
    {
        var subject = new UnalignedCompactedSize(new OptimizedImplementation());
        var ctx = CatalogTests.Context() with { Subject = subject };
        var property = Catalog.Find("layout.compacted.differential")!;
        var found = PropertyRunner.Run(property, ctx, new RunBudget(500, 3));
        var json = property.EncodeInput(found.Shrunk!.Single()).ToJsonString();

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.True(property.TryDecodeInput(doc.RootElement, out var decoded, out var error), error);
        Assert.Equal(found.Shrunk!.Single().ToString(), decoded!.ToString());
        Assert.Equal(Verdict.Diverge, PropertyRunner.CheckInput(property, ctx, decoded).Verdict);
        Assert.Equal(Verdict.Pass, PropertyRunner.CheckInput(property, CatalogTests.Context(), decoded).Verdict);
    }

    [Fact]
    public void CorruptStoredInput_IsAnErrorNotAnException()
    {
        var property = Catalog.Find("layout.compacted.differential")!;
        using var doc = System.Text.Json.JsonDocument.Parse("""{"cpu": {"model": {"leaf0d": {"0": ["0x1"]}}}, "mask": {"hex": "0x3"}}""");
        Assert.False(property.TryDecodeInput(doc.RootElement, out _, out var error));
        Assert.Contains("leaf0d", error);
    }
}
