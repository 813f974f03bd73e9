using System.Collections.Immutable;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// Collects byte ranges of a buffer (what a faulting save may have written, what XSAVEOPT may skip) and hands them
/// back in the contract's form: clipped to the buffer, ascending, merged wherever they overlap or touch.
/// Only the cold paths use it.
/// </summary>
internal sealed class ByteSpans(int bufferLength)
{
    private readonly List<ByteRange> _ranges = new(8);

    public void Add(int offset, int length)
    {
        int start = Math.Max(offset, 0), end = Math.Min(offset + length, bufferLength);
        if (end > start) _ranges.Add(ByteRange.FromTo(start, end));
    }

    /// <summary>R12: the x87 image without MXCSR/MXCSR_MASK (bytes 24..31 belong to SSE).</summary>
    public void AddX87()
    {
        Add(0, XsaveArea.Mxcsr);
        Add(XsaveArea.St0, XsaveArea.X87Bytes - XsaveArea.St0);
    }

    public ImmutableArray<ByteRange> ToImmutable()
    {
        if (_ranges.Count == 0) return [];
        _ranges.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        var merged = ImmutableArray.CreateBuilder<ByteRange>(_ranges.Count);
        var current = _ranges[0];
        for (int k = 1; k < _ranges.Count; k++)
        {
            var next = _ranges[k];
            if (next.Offset <= current.End) current = ByteRange.FromTo(current.Offset, Math.Max(current.End, next.End));
            else
            {
                merged.Add(current);
                current = next;
            }
        }
        merged.Add(current);
        return merged.ToImmutable();
    }
}
