using System.Diagnostics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The KVM side of the optimized kernel: /dev/kvm, one VM per process and the vCPUs, named by id in creation order
/// (a destroyed vCPU keeps its id and is reported as not alive). <see cref="OptimizedKernel"/> forwards every KVM
/// operation here with a way to find a process (thread group) by pid. The module is loaded once, at construction:
/// its outcome depends only on the boot.
/// </summary>
public sealed class KvmSubsystem
{
    private readonly long _loadResult;
    private readonly KvmModule? _kvm;
    private readonly List<Vcpu?> _vcpus = [];
    private readonly List<int> _vcpuPids = [];
    private readonly Dictionary<int, KvmVm> _vms = [];

    /// <summary>VMs whose creator closed its fds (execve, exit) while forked children still hold them.</summary>
    private readonly List<KvmVm> _orphans = [];

    /// <summary>Per vCPU id: its creator closed its fd (execve, exit), so the creator's ioctls on it are -EBADF.</summary>
    private readonly List<bool> _fdClosed = [];

    public KvmSubsystem(BootTables boot) : this(boot, KvmModuleParams.Default) { }

    public KvmSubsystem(BootTables boot, KvmModuleParams moduleParams)
    {
        _loadResult = KvmModule.Load(boot, moduleParams, out _kvm);
    }

    /// <summary>The loaded module, or null when kvm_x86_vendor_init refused (<see cref="LoadResult"/>).</summary>
    public KvmModule? Module => _kvm;

    public long LoadResult => _loadResult;

    /// <summary>The vCPU with this id, or null when it never existed or was destroyed.</summary>
    public Vcpu? FindVcpu(int id) => (uint)id < (uint)_vcpus.Count ? _vcpus[id] : null;

    /// <summary>
    /// Runs one KVM operation. Names that do not exist are a caller bug (ArgumentException), as in the oracle's world.
    /// No closures: a plain-result ioctl allocates nothing here.
    /// </summary>
    public KernelOutcome Apply(KernelOp op, Func<int, TaskGroup> processById)
    {
        // The creator's fd for the vCPU is gone after its execve (O_CLOEXEC), though a forked child may keep the VM.
        if (VcpuOf(op) is int target && (uint)target < (uint)_vcpus.Count && _fdClosed[target]) return Outcome(-(long)Errno.EBADF);
        switch (op)
        {
            case KvmCheckExtensionOp o:
            {
                var g = processById(o.Pid);
                return _kvm is null ? Outcome(_loadResult) : Outcome(_kvm.CheckExtension(o.Capability, g.GuestPerm.StatePerm));
            }
            case KvmGetSupportedCpuidOp o:
            {
                var g = processById(o.Pid);
                return _kvm is null ? Outcome(_loadResult) : new KernelOutcome(0, Cpuid: _kvm.SupportedLeaf0D(g.GuestPerm.StatePerm));
            }
            case VcpuCreateOp o:
            {
                var g = processById(o.Pid);
                return _kvm is null ? Outcome(_loadResult) : Create(_kvm, g, o.Pid);
            }
            case VcpuDestroyOp o:
                return Destroy(o.Vcpu);
            case SetCpuid2Op o:
                return Outcome(Get(o.Vcpu).Cpuid.SetCpuid2(Group(processById, o.Vcpu), o.Entries));
            case GetCpuid2Op o:
                return GetCpuid2(Get(o.Vcpu), o.Nent);
            case GetXcrsOp o:
                return GetXcrs(Get(o.Vcpu));
            case SetXcrsOp o:
                return Outcome(Get(o.Vcpu).Xcrs.SetXcrs(o.Flags, o.Xcrs));
            case SetMsrOp o:
                return Outcome(Get(o.Vcpu).Msrs.SetMsr(Group(processById, o.Vcpu), o.Msr, o.Value));
            case GetMsrOp o:
                return GetMsr(Get(o.Vcpu), Group(processById, o.Vcpu), o.Msr);
            case KvmRunOp o:
                return Run(Get(o.Vcpu), Group(processById, o.Vcpu), o.Exits);
            case GetXsaveOp o:
                return GetXsave(Get(o.Vcpu), legacy: true);
            case GetXsave2Op o:
                return GetXsave(Get(o.Vcpu), legacy: false);
            case SetXsaveOp o:
                return Outcome(Get(o.Vcpu).XsaveIoctls.SetXsave(o.Image));
            case VcpuInitOp o:
                return Outcome(Get(o.Vcpu).Reset.Init(Group(processById, o.Vcpu)));
            default:
                // OptimizedKernel forwards exactly the operations listed above.
                throw new UnreachableException($"operation {op.GetType().Name} is not a KVM operation");
        }
    }

    /// <summary>Every vCPU ever created, by id.</summary>
    public IReadOnlyList<VcpuSnapshot> Snapshot()
    {
        var list = new List<VcpuSnapshot>(_vcpus.Count);
        for (int id = 0; id < _vcpus.Count; id++)
        {
            var v = _vcpus[id];
            list.Add(v is null
                ? VcpuSnapshot.Destroyed(id, _vcpuPids[id])
                : new VcpuSnapshot(id, _vcpuPids[id], true, new FeatureMask(v.Xcrs.Xcr0), new FeatureMask(v.Msrs.Xss),
                    new FeatureMask(v.Fpu.Fpstate.Xfd), v.Fpu.GuestFpu.XfdErr, v.Fpu.Pkru, new FeatureMask(v.Cpuid.GuestSupportedXcr0),
                    new FeatureMask(v.Cpuid.GuestSupportedXss), new FeatureMask(v.Fpu.GuestFpu.Xfeatures), v.Fpu.GuestFpu.UabiSize,
                    v.Fpu.Fpstate.InUse, v.HasRun, OptimizedKernel.SnapshotOf(v.Fpu.Fpstate)));
        }
        return list;
    }

    // ---- operations ----

    private KernelOutcome Create(KvmModule kvm, TaskGroup group, int pid)
    {
        if (!_vms.TryGetValue(pid, out var vm))
        {
            _vms[pid] = vm = new KvmVm(pid);
            vm.FdHolders.Add(pid);
        }
        long r = Vcpu.Create(kvm, vm, group, out var vcpu);
        if (r < 0) return Outcome(r);
        _vcpus.Add(vcpu);
        _vcpuPids.Add(pid);
        _fdClosed.Add(false);
        int id = _vcpus.Count - 1;
        return new KernelOutcome(id, Created: id);
    }

    private KernelOutcome Destroy(int id)
    {
        // fpu_free_guest_fpstate WARNs on an fpstate still in use: the state a thread killed in KVM_RUN leaves (H25).
        bool warned = Get(id).Destroy() == GuestFreeResult.RefusedWarn;
        _vcpus[id] = null;
        return warned ? new KernelOutcome(0, Signal: KernelSignal.Warn) : Outcome(0);
    }

    private static KernelOutcome GetCpuid2(Vcpu v, int nent)
    {
        long r = v.Cpuid.GetCpuid2(nent, out var table);
        if (r < 0) return Outcome(r);
        var entries = new CpuidEntry[table.Length];
        for (int k = 0; k < table.Length; k++)
            entries[k] = new CpuidEntry(table[k].Function, table[k].Index, new CpuidRegs(table[k].Eax, table[k].Ebx, table[k].Ecx, table[k].Edx));
        return new KernelOutcome(0, Cpuid: entries);
    }

    private static KernelOutcome GetXcrs(Vcpu v)
    {
        long r = v.Xcrs.GetXcrs(out bool hasXcr0, out ulong xcr0);
        return r < 0 ? Outcome(r) : new KernelOutcome(r, hasXcr0 ? xcr0 : null);
    }

    private static KernelOutcome GetMsr(Vcpu v, TaskGroup group, uint msr)
    {
        long r = v.Msrs.GetMsr(group, msr, out ulong value);
        return r == 1 ? new KernelOutcome(r, value) : Outcome(r);
    }

    private static KernelOutcome Run(Vcpu v, TaskGroup group, IReadOnlyList<GuestEvent> exits)
    {
        var results = new List<GuestExit>(exits.Count);
        long r = v.Run(group, exits, results);
        KernelSignal? signal = v.Vm.Dead ? KernelSignal.KvmBug : v.ThreadDied ? KernelSignal.ThreadDied : null;
        return new KernelOutcome(r, Exits: results, Signal: signal);
    }

    /// <summary>
    /// KVM_GET_XSAVE (4096 bytes) or KVM_GET_XSAVE2 (uabi_size bytes; the requested size is not an ioctl argument,
    /// userspace sizes its buffer by KVM_CAP_XSAVE2). The output buffer is allocated only when the ioctl succeeds.
    /// </summary>
    private static KernelOutcome GetXsave(Vcpu v, bool legacy)
    {
        if (v.Vm.Dead) return Outcome(-(long)Errno.EIO);
        if (legacy && v.Fpu.GuestFpu.UabiSize > KvmAbi.KvmXsaveSize) return Outcome(-(long)Errno.EINVAL);
        var data = new byte[legacy ? KvmAbi.KvmXsaveSize : (int)v.Fpu.GuestFpu.UabiSize];
        long r = legacy ? v.XsaveIoctls.GetXsave(data) : v.XsaveIoctls.GetXsave2(data);
        return r < 0 ? Outcome(r) : new KernelOutcome(r, Data: data);
    }

    // ---- fds: fork, execve, exit ----

    /// <summary>fork: dup_fd gives the child every KVM fd the parent holds.</summary>
    public void DupFds(int parentPid, int childPid)
    {
        foreach (var vm in _vms.Values)
            if (vm.FdHolders.Contains(parentPid)) vm.FdHolders.Add(childPid);
        foreach (var vm in _orphans)
            if (vm.FdHolders.Contains(parentPid)) vm.FdHolders.Add(childPid);
    }

    /// <summary>
    /// execve (do_close_on_exec) or exit (exit_files) of <paramref name="pid"/>: its KVM fds close. A VM left without
    /// holders is destroyed with its vCPUs (kvm_arch_vcpu_destroy → fpu_free_guest_fpstate); true when one of those
    /// WARNed (a guest fpstate left in use by a thread that died in KVM_RUN, H25). The process's own VM is forgotten,
    /// so a later KVM_CREATE_VCPU from it starts a new VM.
    /// </summary>
    public bool CloseFds(int pid)
    {
        if (_vms.Remove(pid, out var own)) _orphans.Add(own);
        for (int id = 0; id < _vcpuPids.Count; id++) _fdClosed[id] |= _vcpuPids[id] == pid;
        foreach (var vm in _vms.Values) vm.FdHolders.Remove(pid); // their creators still hold them
        bool warned = false;
        for (int k = _orphans.Count - 1; k >= 0; k--)
        {
            var vm = _orphans[k];
            if (!vm.FdHolders.Remove(pid) || vm.FdHolders.Count > 0) continue;
            _orphans.RemoveAt(k);
            for (int id = 0; id < _vcpus.Count; id++)
                if (_vcpus[id] is { } v && v.Vm == vm) warned |= Destroy(id).Signal == KernelSignal.Warn;
        }
        return warned;
    }

    /// <summary>The pid that issues a vCPU ioctl (the vCPU's creator), or 0 for an operation on no vCPU id.</summary>
    public int OwnerOf(KernelOp op) => VcpuOf(op) is int id && (uint)id < (uint)_vcpus.Count ? _vcpuPids[id] : 0;

    private static int? VcpuOf(KernelOp op) => op switch
    {
        VcpuDestroyOp o => o.Vcpu, SetCpuid2Op o => o.Vcpu, GetCpuid2Op o => o.Vcpu, GetXcrsOp o => o.Vcpu, SetXcrsOp o => o.Vcpu,
        SetMsrOp o => o.Vcpu, GetMsrOp o => o.Vcpu, KvmRunOp o => o.Vcpu, GetXsaveOp o => o.Vcpu, GetXsave2Op o => o.Vcpu,
        SetXsaveOp o => o.Vcpu, VcpuInitOp o => o.Vcpu,
        _ => null,
    };

    // ---- names ----

    private Vcpu Get(int id) => FindVcpu(id) ?? throw new ArgumentException($"no vCPU {id}", nameof(id));

    private TaskGroup Group(Func<int, TaskGroup> processById, int id) => processById(_vcpuPids[id]);

    // Outcomes of plain results are immutable records: the common ones are shared instead of allocated per ioctl.
    private const int CachedMin = -128, CachedMax = 2;
    private static readonly KernelOutcome[] Cached = BuildCache();

    private static KernelOutcome[] BuildCache()
    {
        var cache = new KernelOutcome[CachedMax - CachedMin + 1];
        for (int k = 0; k < cache.Length; k++) cache[k] = new KernelOutcome(CachedMin + k);
        return cache;
    }

    private static KernelOutcome Outcome(long result) =>
        result >= CachedMin && result <= CachedMax ? Cached[result - CachedMin] : new KernelOutcome(result);
}
