using System.Text.Json;

namespace Xsave.Contract.Tests.Machine;

/// <summary>
/// SPEC R20a: <see cref="InstructionOutcome.Differences"/> skips what the reference marks unspecified, and only that —
/// the subject's own marks widen nothing.
/// </summary>
public class InstructionOutcomeTests
{
    private static readonly MachineState State = MachineState.Init(ObservedHost.Zen5());
    private static readonly XsaveBuffer Buffer = XsaveBuffer.Filled(1024, 0xCC).WithXstateBv(new FeatureMask(0x5));

    private static InstructionOutcome Reference => InstructionOutcome.Success(State, Buffer) with
    {
        UnspecifiedBytes = [new ByteRange(576, 256)], UnspecifiedXstateBv = new FeatureMask(0x4),
    };

    [Fact]
    public void InsideTheReferencesSet_NothingIsReported()
    {
        var other = InstructionOutcome.Success(State, Buffer.WithByte(600, 0).WithXstateBv(new FeatureMask(0x1)));
        Assert.Empty(Reference.Differences(other));
    }

    [Fact]
    public void OutsideTheReferencesSet_EveryDifferenceIsReported()
    {
        // The byte before the range, the bit next to the open one, the XCOMP_BV word beside XSTATE_BV.
        Assert.NotEmpty(Reference.Differences(InstructionOutcome.Success(State, Buffer.WithByte(575, 0))));
        Assert.NotEmpty(Reference.Differences(InstructionOutcome.Success(State, Buffer.WithXstateBv(new FeatureMask(0x7)))));
        Assert.NotEmpty(Reference.Differences(InstructionOutcome.Success(State, Buffer.WithXcompBv(FeatureMask.None))));
    }

    [Fact]
    public void TheSubjectsOwnMarks_DoNotWidenTheSet()
    {
        var wide = InstructionOutcome.Success(State, Buffer.WithByte(100, 0).WithXstateBv(new FeatureMask(0x7))) with
        {
            UnspecifiedBytes = [new ByteRange(0, 1024)], UnspecifiedXstateBv = FeatureMask.All,
        };
        Assert.Equal(2, Reference.Differences(wide).Count);
    }

    [Fact]
    public void UnspecifiedXstateBv_RoundTripsThroughJson()
    {
        var json = JsonSerializer.Serialize(Reference);
        var back = JsonSerializer.Deserialize<InstructionOutcome>(json)!;
        Assert.Equal(new FeatureMask(0x4), back.UnspecifiedXstateBv);
        Assert.Equal([new ByteRange(576, 256)], back.UnspecifiedBytes.ToArray());
    }
}
