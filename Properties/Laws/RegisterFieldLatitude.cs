using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// The oracle's answer as a comparison with a CPU may use it (docs/findings.md F5): the oracle writes a saved component
/// whole, but the SDM defines only the register bytes of PKRU and BNDCSR (13.5.4, 13.5.7) and says nothing of what
/// XSAVE writes to the rest (<see cref="RegisterFields"/>); on a fixed machine those bytes of a save are left open, as
/// the oracle's own unspecified bytes are. The oracle itself is unchanged.
/// </summary>
internal static class RegisterFieldLatitude
{
    public static InstructionOutcome Want(PropertyContext ctx, InstructionCase x)
    {
        var want = InstructionLaws.Run(ctx.Reference, x);
        if (ctx.FixedMachine is null || want.Buffer is not { } saved ||
            x.Operation is not XsaveFamilyOp { Instruction: not (XsaveInstruction.Xrstor or XsaveInstruction.Xrstors) } op) return want;
        var enabled = op.Instruction == XsaveInstruction.Xsaves ? x.State.Xcr0 | x.State.Xss : x.State.Xcr0;
        var open = RegisterFields.OpenBytes(x.Cpu.Cpu, op.EdxEax & enabled, saved,
            compacted: op.Instruction is XsaveInstruction.Xsavec or XsaveInstruction.Xsaves).ToList();
        return open.Count == 0 ? want : want with { UnspecifiedBytes = Union(want.UnspecifiedBytes, open, saved.Length) };
    }

    /// <summary>Ascending, non-overlapping runs covering every byte of both (what <see cref="InstructionOutcome.UnspecifiedBytes"/> holds).</summary>
    private static ImmutableArray<ByteRange> Union(IEnumerable<ByteRange> a, IEnumerable<ByteRange> b, int length)
    {
        var open = new bool[length];
        foreach (var r in a.Concat(b))
            for (int k = Math.Max(0, r.Offset); k < Math.Min(length, r.End); k++) open[k] = true;
        var runs = ImmutableArray.CreateBuilder<ByteRange>();
        for (int k = 0; k < length;)
        {
            if (!open[k]) { k++; continue; }
            int start = k;
            while (k < length && open[k]) k++;
            runs.Add(ByteRange.FromTo(start, k));
        }
        return runs.ToImmutable();
    }
}
