using System.Collections.Concurrent;
using Xsave.Contract.Layouts;

namespace Xsave.Optimized.Architecture;

/// <summary>Layouts of one CPU by component set, bounded; safe to share between threads. The count is kept aside:
/// ConcurrentDictionary.Count takes every lock.</summary>
internal sealed class LayoutCache
{
    private const int Capacity = 4096; // past it, layouts are built fresh each time

    private readonly ConcurrentDictionary<ulong, XsaveLayout> _known = new();
    private int _count;

    public bool TryGet(ulong components, out XsaveLayout layout) => _known.TryGetValue(components, out layout!);

    public XsaveLayout Add(ulong components, XsaveLayout layout)
    {
        if (Volatile.Read(ref _count) < Capacity && _known.TryAdd(components, layout)) Interlocked.Increment(ref _count);
        return layout;
    }
}
