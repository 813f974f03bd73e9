using System.Collections.Concurrent;
using Xsave.Contract.Layouts;

namespace Xsave.Optimized.Architecture;

/// <summary>Layouts of one CPU by component set, bounded; safe to share between threads. The first layout sits in a
/// field of its own: most CPUs of a property run are asked for one layout, and a dictionary per CPU cost more than the
/// layout. The count is kept aside: ConcurrentDictionary.Count takes every lock.</summary>
internal sealed class LayoutCache
{
    private const int Capacity = 4096; // past it, layouts are built fresh each time

    private sealed record Entry(ulong Components, XsaveLayout Layout);

    private Entry? _first;
    private ConcurrentDictionary<ulong, XsaveLayout>? _more;
    private int _count;

    public bool TryGet(ulong components, out XsaveLayout layout)
    {
        if (Volatile.Read(ref _first) is { } first && first.Components == components)
        {
            layout = first.Layout;
            return true;
        }
        if (Volatile.Read(ref _more) is { } more) return more.TryGetValue(components, out layout!);
        layout = null!;
        return false;
    }

    public XsaveLayout Add(ulong components, XsaveLayout layout)
    {
        if (Volatile.Read(ref _first) is null && Interlocked.CompareExchange(ref _first, new Entry(components, layout), null) is null)
            return layout;
        var more = Volatile.Read(ref _more);
        if (more is null)
        {
            var made = new ConcurrentDictionary<ulong, XsaveLayout>();
            more = Interlocked.CompareExchange(ref _more, made, null) ?? made;
        }
        if (Volatile.Read(ref _count) < Capacity && more.TryAdd(components, layout)) Interlocked.Increment(ref _count);
        return layout;
    }
}
