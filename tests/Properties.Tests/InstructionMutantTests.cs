using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;
using Xunit.Abstractions;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Tests;

/// <summary>
/// The instruction laws catch a deliberately wrong XSAVEC and shrink what they find to a small case. Bounds, not exact
/// minima: FsCheck's shrinking is greedy (FSCHECK.md §10).
/// </summary>
public class InstructionMutantTests(ITestOutputHelper output)
{
    private static IXstateImplementation Mutant => new XsavecKeepsOldBv(new OptimizedImplementation());

    private PropertyOutcome RunAgainst(IXstateImplementation subject, string property, ulong seed = 1)
    {
        var outcome = PropertyRunner.Run(Catalog.Find(property)!, CatalogTests.Context() with { Subject = subject }, new RunBudget(500, seed));
        output.WriteLine(outcome.Describe());
        return outcome;
    }

    /// <summary>The stale bits the mutant keeps: XSTATE_BV of the operand outside RFBM.</summary>
    private static FeatureMask StaleBits(InstructionCase c)
    {
        var op = Assert.IsType<XsaveFamilyOp>(c.Operation);
        return op.Memory.ReadXstateBv() & ~(c.State.Xcr0 & op.EdxEax);
    }

    [Theory]
    [InlineData("instructions.xsavec.header", 1UL)]
    [InlineData("instructions.xsavec.header", 7UL)]
    [InlineData("instructions.xsave-family.differential", 1UL)]
    [InlineData("instructions.xsave-family.differential", 7UL)]
    public void XsavecKeepsOldBv_IsCaughtAndShrunkToAStaleHeaderBit(string property, ulong seed)
    {
        var outcome = RunAgainst(Mutant, property, seed);
        Assert.Equal(Verdict.Diverge, outcome.Verdict);
        var shrunk = Assert.IsType<InstructionCase>(Assert.Single(outcome.Shrunk!));

        // The bug needs an XSAVEC on an area whose XSTATE_BV has a bit outside RFBM, and nothing else.
        var op = Assert.IsType<XsaveFamilyOp>(shrunk.Operation);
        Assert.Equal(XsaveInstruction.Xsavec, op.Instruction);
        Assert.False(StaleBits(shrunk).IsEmpty, $"no stale bit in {shrunk}");
        Assert.True(MachineGen.NonInit(shrunk.State).Count <= 1, $"state not shrunk: {shrunk}");
        Assert.True(shrunk.State.Xcr0.Count <= 3, $"XCR0 not shrunk: {shrunk}");
        Assert.True(shrunk.Buffer is null || shrunk.Buffer.Corruptions.Length <= 1, $"memory recipe not shrunk: {shrunk}");
        Assert.Equal(0UL, op.Memory.Address % 64);
    }

    [Fact]
    public void XsavecKeepsOldBv_BreaksTheRoundTripOnlyThroughItsHeader()
    {
        // A zeroed area has no stale bits: the round trip (I4) cannot see this mutant, the header laws can. Kept as a
        // statement of what each law covers.
        Assert.Equal(Verdict.Pass, RunAgainst(Mutant, "instructions.roundtrip.xsavec-xrstor").Verdict);
    }

    [Fact]
    public void ShrunkInstructionCase_RoundTripsThroughJson_AndStillFails()
    {
        var property = Catalog.Find("instructions.xsavec.header")!;
        var ctx = CatalogTests.Context() with { Subject = Mutant };
        var found = PropertyRunner.Run(property, ctx, new RunBudget(500, 3));
        Assert.Equal(Verdict.Diverge, found.Verdict);
        var json = property.EncodeInput(found.Shrunk!.Single()).ToJsonString();

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.True(property.TryDecodeInput(doc.RootElement, out var decoded, out var error), error);
        var original = (InstructionCase)found.Shrunk!.Single();
        var back = Assert.IsType<InstructionCase>(decoded);
        Assert.Equal(original.State, back.State);
        Assert.Equal(((XsaveFamilyOp)original.Operation).Memory, ((XsaveFamilyOp)back.Operation).Memory);
        Assert.Equal(Verdict.Diverge, PropertyRunner.CheckInput(property, ctx, decoded!).Verdict);
        Assert.Equal(Verdict.Pass, PropertyRunner.CheckInput(property, CatalogTests.Context(), decoded!).Verdict);
    }

    [Fact]
    public void CorruptStoredInstructionCase_IsAnErrorNotAnException()
    {
        var property = Catalog.Find("instructions.xsave-family.differential")!;
        var cpu = InputCodecs.EncodeCpu(new CpuCase(TestSupport.ObservedHost.Zen5(), null)).ToJsonString();
        using var doc = System.Text.Json.JsonDocument.Parse("{\"cpu\": " + cpu + """, "state": {"Xcr0": "0x1"}, "operation": {"op": "init"}}""");
        Assert.False(property.TryDecodeInput(doc.RootElement, out _, out var error));
        Assert.Contains("state", error);
    }
}
