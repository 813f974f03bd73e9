using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>Page faults (#PF): the buffer is all the memory there is (fault order steps 5 and 9).</summary>
internal static class MemoryFaults
{
    public static readonly ByteRange Header = new(XFeatures.HeaderOffset, XFeatures.HeaderSize);

    /// <summary>Step 5: XRSTOR* must read the 64-byte header (R13) before it can check it.</summary>
    public static Fault? HeaderUnreadable(XsaveBuffer buffer) =>
        buffer.Covers(Header) ? null : new Fault(FaultKind.PF, "R13", $"the XSAVE header {Header} lies outside the {buffer.Length}-byte buffer");

    /// <summary>
    /// Step 9 for a save, then the save itself: a #PF leaves the buffer as it was but marks every byte the instruction
    /// would have written as unspecified (hardware may have written part of it before faulting), and so every byte it
    /// may write: the components an init or modified optimization may skip or save (docs/findings.md F11). On success the bytes
    /// and XSTATE_BV bits the architecture leaves open (R20a) are marked. The memory operand is the whole area of
    /// <paramref name="operandSize"/> bytes (the layout's size for RFBM), even where the init or modified optimization
    /// writes less: measured on AMD family 19h, XSAVEC/XSAVEOPT of init components #PF when their space lies outside
    /// (docs/findings.md F2).
    /// </summary>
    public static InstructionOutcome CommitSave(MachineState state, XsaveBuffer buffer, PendingWrites writes,
        IReadOnlyList<ByteRange> unspecified, string layoutRule, FeatureMask unspecifiedXstateBv, int operandSize)
    {
        var outside = writes.FirstOutside(buffer) ??
                      (operandSize > buffer.Length ? ByteRange.FromTo(buffer.Length, operandSize) : null);
        if (outside is not null)
            return InstructionOutcome.Faulted(
                    new Fault(FaultKind.PF, layoutRule, $"bytes {outside} lie outside the {buffer.Length}-byte buffer"), state, buffer)
                with { UnspecifiedBytes = Normalize(writes.Ranges.Concat(unspecified), buffer.Length) };

        return InstructionOutcome.Success(state, writes.ApplyTo(buffer)) with
        {
            UnspecifiedBytes = Normalize(unspecified, buffer.Length), UnspecifiedXstateBv = unspecifiedXstateBv,
        };
    }

    /// <summary>
    /// Step 9 for the standard form of XRSTOR: its operand is the whole standard area of RFBM (at least 576 bytes),
    /// loaded or initialized (docs/findings.md F2: XSTATE_BV = 0, RFBM = 7 on 576 bytes #PFs). The compacted forms read
    /// only the components they load.
    /// </summary>
    public static ByteRange? StandardOperandOutside(XsaveBuffer buffer, Contract.Layouts.XsaveLayout layout) =>
        layout.Format == Contract.Layouts.XsaveFormat.Standard && layout.Size > buffer.Length
            ? ByteRange.FromTo(buffer.Length, layout.Size)
            : null;

    /// <summary>Ranges clipped to the buffer, sorted and merged where they overlap.</summary>
    public static ImmutableArray<ByteRange> Normalize(IEnumerable<ByteRange> ranges, int length)
    {
        var result = new List<ByteRange>();
        foreach (var r in ranges.Select(r => ByteRange.FromTo(Math.Max(0, r.Offset), Math.Min(length, r.End)))
                                .Where(r => r.Length > 0).OrderBy(r => r.Offset))
        {
            if (result.Count > 0 && r.Offset < result[^1].End)
                result[^1] = ByteRange.FromTo(result[^1].Offset, Math.Max(result[^1].End, r.End));
            else
                result.Add(r);
        }
        return [.. result];
    }
}
