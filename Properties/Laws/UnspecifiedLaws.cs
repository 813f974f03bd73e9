using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// SPEC R20a: the comparison of instruction answers honours exactly the reference's unspecified set — what a conforming
/// CPU may write differently passes, what it may not is still reported.
/// </summary>
public static class UnspecifiedLaws
{
    private const string OpenRewritten = "unspecified bytes or XSTATE_BV bits rewritten", NothingOpen = "nothing unspecified",
        XcompBvBroken = "a changed XCOMP_BV reported";

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<InstructionCase>("instructions.unspecified.other-allowed-values", LawKind.Metamorphic,
            ["R20a", "R19", "R20", "R21", "R22"], ContractPart.Instructions,
            "The implementation's answer, changed only where the oracle leaves it open (every unspecified byte rewritten, " +
            "every unspecified XSTATE_BV bit flipped), agrees with the oracle exactly when the unchanged answer does; changed " +
            "at XCOMP_BV, which every completed save defines (R20a), it never agrees.",
            // Only the XSAVE family has a memory answer to vary: the register operations of AnyOperation were vacuous.
            ctx => InstructionGen.Arbitrary(ctx, InstructionGen.AnyOperation(ctx).Where(c => c.Operation is XsaveFamilyOp), MachineConstraints.Any),
            InstructionCodecs.Case,
            (ctx, x) =>
            {
                var mine = ctx.Subject.Architecture(x.Cpu.Cpu).Execute(x.State, x.Operation);
                var want = ctx.Reference.Architecture(x.Cpu.Cpu).Execute(x.State, x.Operation);
                if (mine.Buffer is null || want.Buffer is null || mine.Buffer.Length != want.Buffer.Length)
                    return Check.Vacuous("no memory operand to vary");
                bool agrees = want.Differences(mine).Count == 0;
                var other = mine with { Buffer = OtherAllowed(mine.Buffer, want) };
                var property = Check.That((want.Differences(other).Count == 0) == agrees,
                    $"rewriting the oracle's unspecified bytes {string.Join(", ", want.UnspecifiedBytes)} and XSTATE_BV bits " +
                    $"{want.UnspecifiedXstateBv} changed the verdict (agreed before: {agrees})")
                    .In(!want.UnspecifiedBytes.IsEmpty || !want.UnspecifiedXstateBv.IsEmpty ? OpenRewritten : NothingOpen);
                // After a #PF every byte the save would have written is open, XCOMP_BV included: nothing to break there.
                if (!want.Buffer.Covers(new ByteRange(XsaveBuffer.XcompBvOffset, 8)) ||
                    want.UnspecifiedBytes.Any(r => r.Contains(XsaveBuffer.XcompBvOffset))) return property;
                var broken = mine with { Buffer = mine.Buffer.WithByte(XsaveBuffer.XcompBvOffset, (byte)~mine.Buffer.ReadByte(XsaveBuffer.XcompBvOffset)) };
                return property.And(Check.That(want.Differences(broken).Count > 0, "a changed XCOMP_BV byte was not reported")).In(XcompBvBroken);
            }).Declares(new LawCoverage([OpenRewritten, NothingOpen, XcompBvBroken], MaxVacuousShare: 0.1)); // a save that wrote no area: none measured
    }

    /// <summary>The buffer with every byte of <paramref name="reference"/>'s unspecified ranges inverted and its unspecified XSTATE_BV bits flipped.</summary>
    private static XsaveBuffer OtherAllowed(XsaveBuffer buffer, InstructionOutcome reference)
    {
        var bytes = buffer.Bytes.ToArray();
        foreach (var r in reference.UnspecifiedBytes)
            for (int k = r.Offset; k < Math.Min(r.End, bytes.Length); k++) bytes[k] = (byte)~bytes[k];
        var other = XsaveBuffer.From(bytes, buffer.Address);
        return other.Covers(new ByteRange(XsaveBuffer.XstateBvOffset, 8))
            ? other.WithXstateBv(other.ReadXstateBv() ^ reference.UnspecifiedXstateBv)
            : other;
    }
}
