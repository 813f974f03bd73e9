using Xsave.Contract.Linux;

namespace Xsave.Properties.Comparison;

/// <summary>The first fields where two kernel snapshots differ, in words.</summary>
public static class SnapshotDiff
{
    public static string Describe(KernelSnapshot? a, KernelSnapshot? b)
    {
        if (a is null || b is null) return $"implementation {(a is null ? "reports no state" : "reports state")}, oracle {(b is null ? "reports no state" : "reports state")}";
        var diffs = new List<string>();
        if (a.Processes.Count != b.Processes.Count) diffs.Add($"processes {a.Processes.Count} != {b.Processes.Count}");
        foreach (var (pa, pb) in a.Processes.Zip(b.Processes))
        {
            if (pa.Perm != pb.Perm) diffs.Add($"p{pa.Pid} perm {pa.Perm} != {pb.Perm}");
            if (pa.GuestPerm != pb.GuestPerm) diffs.Add($"p{pa.Pid} guest perm {pa.GuestPerm} != {pb.GuestPerm}");
            if (pa.Threads.Count != pb.Threads.Count) diffs.Add($"p{pa.Pid} threads {pa.Threads.Count} != {pb.Threads.Count}");
            foreach (var (ta, tb) in pa.Threads.Zip(pb.Threads))
                if (ta != tb) diffs.Add($"p{pa.Pid}.t{ta.Tid} {Fields(ta, tb)}");
        }
        if (a.Vcpus.Count != b.Vcpus.Count) diffs.Add($"vcpus {a.Vcpus.Count} != {b.Vcpus.Count}");
        foreach (var (va, vb) in a.Vcpus.Zip(b.Vcpus))
            if (va != vb) diffs.Add($"vcpu{va.Id} {Fields(va, vb)}");
        return diffs.Count == 0 ? "(equal)" : string.Join("; ", diffs.Take(4));
    }

    /// <summary>"Field: a != b" for each differing public property (nested records compared as a whole).</summary>
    public static string Fields<T>(T a, T b) where T : notnull =>
        string.Join(", ", typeof(T).GetProperties()
            .Select(p => (p.Name, A: p.GetValue(a), B: p.GetValue(b)))
            .Where(x => !Equals(x.A, x.B))
            .Select(x => $"{x.Name}: {x.A} != {x.B}"));
}
