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
    /// would have written as unspecified (hardware may have written part of it before faulting). On success the bytes
    /// and XSTATE_BV bits the architecture leaves open (R20a) are marked.
    /// </summary>
    public static InstructionOutcome CommitSave(MachineState state, XsaveBuffer buffer, PendingWrites writes,
        IReadOnlyList<ByteRange> unspecified, string layoutRule, FeatureMask unspecifiedXstateBv)
    {
        if (writes.FirstOutside(buffer) is { } outside)
            return InstructionOutcome.Faulted(
                    new Fault(FaultKind.PF, layoutRule, $"bytes {outside} lie outside the {buffer.Length}-byte buffer"), state, buffer)
                with { UnspecifiedBytes = Normalize(writes.Ranges, buffer.Length) };

        return InstructionOutcome.Success(state, writes.ApplyTo(buffer)) with
        {
            UnspecifiedBytes = Normalize(unspecified, buffer.Length), UnspecifiedXstateBv = unspecifiedXstateBv,
        };
    }

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
