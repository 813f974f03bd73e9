using System.Collections.Immutable;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>
/// Which names exist after a sequence of operations: processes (with their thread count) and vCPUs (alive or not).
/// The generator uses it to name only things that exist; the shrinker to drop operations whose target was removed.
/// </summary>
public sealed record WorldShape(ImmutableList<int> ThreadCounts, ImmutableList<(int Pid, bool Alive)> Vcpus)
{
    public const int MaxProcesses = 3;
    public const int MaxThreads = 3;
    public const int MaxVcpus = 3;

    public static WorldShape Initial { get; } = new([1], []);

    public int Processes => ThreadCounts.Count;

    public IEnumerable<int> LiveVcpus => Vcpus.Select((v, id) => (v, id)).Where(x => x.v.Alive).Select(x => x.id);

    /// <summary>Whether every name the operation uses exists.</summary>
    public bool Accepts(KernelOp op) => op switch
    {
        ArchPrctlOp o => HasProcess(o.Pid),
        SigaltstackOp o => HasThread(o.Pid, o.Tid),
        SpawnThreadOp o => HasProcess(o.Pid),
        ForkOp o => HasProcess(o.Pid),
        ExecOp o => HasProcess(o.Pid),
        XfdFaultOp o => HasThread(o.Pid, o.Tid),
        PtraceGetXstateOp o => HasThread(o.Pid, o.Tid),
        PtraceSetXstateOp o => HasThread(o.Pid, o.Tid),
        KvmCheckExtensionOp o => HasProcess(o.Pid),
        KvmGetSupportedCpuidOp o => HasProcess(o.Pid),
        VcpuCreateOp o => HasProcess(o.Pid),
        VcpuDestroyOp o => HasVcpu(o.Vcpu),
        SetCpuid2Op o => HasVcpu(o.Vcpu),
        GetXcrsOp o => HasVcpu(o.Vcpu),
        SetXcrsOp o => HasVcpu(o.Vcpu),
        SetMsrOp o => HasVcpu(o.Vcpu),
        GetMsrOp o => HasVcpu(o.Vcpu),
        KvmRunOp o => HasVcpu(o.Vcpu),
        GetXsaveOp o => HasVcpu(o.Vcpu),
        GetXsave2Op o => HasVcpu(o.Vcpu),
        SetXsaveOp o => HasVcpu(o.Vcpu),
        VcpuInitOp o => HasVcpu(o.Vcpu),
        _ => false,
    };

    /// <summary>The shape after the operation, assuming creations succeed.</summary>
    public WorldShape After(KernelOp op) => op switch
    {
        SpawnThreadOp o => this with { ThreadCounts = ThreadCounts.SetItem(o.Pid - 1, ThreadCounts[o.Pid - 1] + 1) },
        ForkOp => this with { ThreadCounts = ThreadCounts.Add(1) },
        // execve: the other threads are gone (de_thread), the caller becomes the only thread.
        ExecOp o => this with { ThreadCounts = ThreadCounts.SetItem(o.Pid - 1, 1) },
        VcpuCreateOp o => this with { Vcpus = Vcpus.Add((o.Pid, true)) },
        VcpuDestroyOp o => this with { Vcpus = Vcpus.SetItem(o.Vcpu, (Vcpus[o.Vcpu].Pid, false)) },
        _ => this,
    };

    /// <summary>The operations of <paramref name="ops"/> whose names exist when they run, in order.</summary>
    public static List<KernelOp> KeepValid(IEnumerable<KernelOp> ops)
    {
        var shape = Initial;
        var kept = new List<KernelOp>();
        foreach (var op in ops)
        {
            if (!shape.Accepts(op)) continue;
            kept.Add(op);
            shape = shape.After(op);
        }
        return kept;
    }

    private bool HasProcess(int pid) => pid >= 1 && pid <= ThreadCounts.Count;
    private bool HasThread(int pid, int tid) => HasProcess(pid) && tid >= 0 && tid < ThreadCounts[pid - 1];
    private bool HasVcpu(int id) => id >= 0 && id < Vcpus.Count && Vcpus[id].Alive;
}
