using System.Diagnostics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Kvm;
using Xsave.Oracle.Linux.Process;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Oracle.Linux.World;

/// <summary>
/// The policy oracle behind the contract's <see cref="IKernel"/>: one booted kernel, its processes and vCPUs. Each
/// operation is handed to the oracle object that models it; this class only keeps the names (pids, thread indices,
/// vCPU ids) and turns results into <see cref="KernelOutcome"/> and <see cref="KernelSnapshot"/>.
/// </summary>
public sealed partial class OracleKernel : IKernel
{
    private readonly BootResult _boot;
    private readonly List<LinuxProcess> _processes = [];
    private readonly List<Vcpu?> _vcpus = [];
    private readonly List<int> _vcpuPids = [];
    private readonly Dictionary<LinuxProcess, KvmVm> _vms = new(ReferenceEqualityComparer.Instance);
    private KvmModule? _kvm;
    private KResult? _kvmLoad;

    public OracleKernel(CpuModel cpu, KernelConfig config)
    {
        _boot = FpuBoot.Run(cpu, config);
        Boot = Summarize(_boot);
        // A boot that died (XSETBV #GP) never reaches user space: no process 1, an empty world.
        if (Boot.Failed) return;
        _processes.Add(LinuxProcess.Start(_boot));
        // R61a: process 1 was started by execve like every user task, so it holds the default PKRU.
        SetPkruAfterExec(_processes[0]);
    }

    public BootResult BootResult => _boot;

    public BootSummary Boot { get; }

    public KernelOutcome Apply(KernelOp op) => Boot.Failed
        ? throw new InvalidOperationException($"the kernel did not boot ({Boot.Failure}): no operation can run")
        : op switch
    {
        ArchPrctlOp o => WithProcess(o.Pid, p => ArchPrctl(p, o)),
        SigaltstackOp o => WithThread(o.Pid, o.Tid, (p, t) => Of(p.Sigaltstack(t.Id, o.Size, disable: o.Size == 0))),
        SpawnThreadOp o => WithProcess(o.Pid, p => SpawnThread(p)),
        ForkOp o => WithProcess(o.Pid, p => Fork(p)),
        ExecOp o => WithProcess(o.Pid, p => Exec(p, o.Pid)),
        ExitGroupOp o => WithProcess(o.Pid, p => ExitGroup(p, o.Pid)),
        XfdFaultOp o => WithThread(o.Pid, o.Tid, (p, t) => XfdFault(p, t, o.XfdErr)),
        WritePkruOp o => WithThread(o.Pid, o.Tid, (_, t) => WritePkru(t, o.Value)),
        PtraceGetXstateOp o => WithThread(o.Pid, o.Tid, (_, t) => PtraceGet(t, o.IovLen)),
        PtraceSetXstateOp o => WithThread(o.Pid, o.Tid, (_, t) => Of(XstateRegset.Set(_boot, t.Fpu.OwnFpstate, Pkru(t), o.Data, o.Data.Length))),
        KvmCheckExtensionOp o => WithKvm(o.Pid, (kvm, p) => new KernelOutcome(KvmCapabilities.CheckExtension(kvm, (KvmCap)o.Capability, p))),
        KvmGetSupportedCpuidOp o => WithKvm(o.Pid, (kvm, p) => SupportedCpuid(kvm, p)),
        VcpuCreateOp o => WithKvm(o.Pid, (kvm, p) => CreateVcpu(kvm, p, o.Pid)),
        VcpuDestroyOp o => WithVcpu(o.Vcpu, v => Destroy(v, o.Vcpu)),
        SetCpuid2Op o => WithVcpu(o.Vcpu, v => Of(v.SetCpuid2(o.Entries.Select(ToKvm).ToList()))),
        GetCpuid2Op o => WithVcpu(o.Vcpu, v => GetCpuid2(v, o.Nent)),
        GetXcrsOp o => WithVcpu(o.Vcpu, v => GetXcrs(v)),
        SetXcrsOp o => WithVcpu(o.Vcpu, v => Of(v.SetXcrs(new KvmXcrs(o.Flags, o.Xcrs.Select(x => new KvmXcr(x.Xcr, x.Value)).ToList())))),
        SetMsrOp o => WithVcpu(o.Vcpu, v => Of(v.SetMsrs((o.Msr, o.Value)))),
        GetMsrOp o => WithVcpu(o.Vcpu, v => { var r = v.GetMsrs(o.Msr); return new KernelOutcome(r.Result.Value, r.Result.IsError || r.Value.Count == 0 ? null : r.Value[0]); }),
        KvmRunOp o => WithVcpu(o.Vcpu, v => Run(v, o.Exits)),
        GetXsaveOp o => WithVcpu(o.Vcpu, v => Read(v.GetXsave())),
        GetXsave2Op o => WithVcpu(o.Vcpu, v => Read(v.GetXsave2())),
        SetXsaveOp o => WithVcpu(o.Vcpu, v => Of(v.SetXsave(o.Image))),
        VcpuInitOp o => WithVcpu(o.Vcpu, v => { v.Init(); return new KernelOutcome(0); }),
        SignalDeliverOp o => WithThread(o.Pid, o.Tid, (_, t) => DeliverSignal(t, o.OnAltstack)),
        SigreturnOp o => WithThread(o.Pid, o.Tid, (_, t) => Sigreturn(t, o)),
        MinSigStkSzOp o => WithProcess(o.Pid, _ => new KernelOutcome(0, SignalFrames.MaxFrameSize(_boot))),
        // Every contract operation is listed above: a new one must be modelled, never answered by default.
        _ => throw new UnreachableException($"operation {op.GetType().Name} is not part of the contract"),
    };

    public KernelSnapshot? Snapshot() => new(
        _processes.Select((p, i) => new ProcessSnapshot(i + 1, p.Alive, Perm(p.Perm), Perm(p.GuestPerm),
            p.Threads.Select((t, k) => new ThreadSnapshot(k, t.SigaltstackSize, Snap(t.Fpu.OwnFpstate))).ToList())).ToList(),
        _vcpus.Select((v, id) => v is null
            ? VcpuSnapshot.Destroyed(id, _vcpuPids[id])
            : new VcpuSnapshot(id, _vcpuPids[id], true, v.Xcrs.Xcr0, v.Msrs.Xss, v.Fpu.Fpstate.Xfd, v.Fpu.GuestFpu.XfdErr, v.Fpu.Pkru,
                v.Cpuid.GuestSupportedXcr0, v.Cpuid.GuestSupportedXss, v.Fpu.GuestFpu.Xfeatures, v.Fpu.GuestFpu.UabiSize, v.Fpu.Fpstate.InUse,
                v.HasRun, Snap(v.Fpu.Fpstate))).ToList());

    // ---- processes ----

    private static KernelOutcome ArchPrctl(LinuxProcess p, ArchPrctlOp o)
    {
        var r = p.ArchPrctl(o.Option, o.Arg, out var written, argIsValidPointer: !o.BadPointer);
        return new KernelOutcome(r.Value, written);
    }

    private KernelOutcome Fork(LinuxProcess parent)
    {
        var child = parent.Fork();
        _processes.Add(child);
        InheritFds(_processes.IndexOf(parent) + 1, _processes.Count);
        // copy_thread: "p->thread.pkru = read_pkru()": the child starts with the forking thread's PKRU (R61a).
        InheritPkru(parent.Leader, child.Leader);
        child.Leader.StackFrame = parent.Leader.StackFrame; // the address space is copied, the frame with it
        return new KernelOutcome(_processes.Count, Created: _processes.Count);
    }

    private KernelOutcome SpawnThread(LinuxProcess p)
    {
        int index = p.Threads.Count;
        var thread = p.SpawnThread();
        InheritPkru(p.Leader, thread); // copy_thread, as for fork
        return new KernelOutcome(index, Created: index);
    }

    /// <summary>R61a flush_thread → pkru_flush_thread: the exec'd task holds init_pkru_value (with OSPKE), and its
    /// saved state shows it.</summary>
    private void SetPkruAfterExec(LinuxProcess p)
    {
        uint value = TaskPkru.AfterExec(_boot);
        p.Leader.Pkru.Value = value;
        TaskPkru.Save(_boot, p.Leader.Fpu.OwnFpstate, value);
    }

    /// <summary>R61a copy_thread/fpu_clone: the child's thread.pkru and the PKRU its buffer was XSAVEd with are the
    /// parent's live value.</summary>
    private void InheritPkru(LinuxThread parent, LinuxThread child)
    {
        uint value = parent.Pkru.Value;
        child.Pkru.Value = value;
        TaskPkru.Save(_boot, child.Fpu.OwnFpstate, value);
    }

    /// <summary>WRPKRU on a host thread: its register (and thread.pkru) change; its saved state shows the value at the
    /// next switch (R61a), and a vCPU it runs saves the guest fpstate with it (R86a).</summary>
    private KernelOutcome WritePkru(LinuxThread t, uint value)
    {
        t.Pkru.Value = value;
        TaskPkru.Save(_boot, t.Fpu.OwnFpstate, value);
        return new KernelOutcome(0);
    }

    private static KernelOutcome XfdFault(LinuxProcess p, LinuxThread t, FeatureMask err)
    {
        var outcome = p.XfdNm(t.Id, err);
        KernelSignal? signal = outcome.Kind switch
        {
            XfdNmKind.SigIll => KernelSignal.SigIll,
            XfdNmKind.SigSegv => KernelSignal.SigSegv,
            XfdNmKind.NotXfdEvent => KernelSignal.UnexpectedNm,
            XfdNmKind.Retry => null,
            _ => throw new UnreachableException($"#NM outcome {outcome.Kind}"),
        };
        return new KernelOutcome(outcome.EnableResult.Value, Signal: signal);
    }

    private KernelOutcome PtraceGet(LinuxThread t, int iovLen)
    {
        var read = XstateRegset.Get(_boot, t.Fpu.OwnFpstate, Pkru(t).Value, iovLen);
        return new KernelOutcome(read.Result.Value, Data: read.Result.IsError ? null : read.Data);
    }

    // ---- signals (R72) ----

    /// <summary>Signal frames are modelled for 64-bit kernels; a 32-bit kernel's ia32 frames (fsave header, the
    /// software-checked restore of __fpu_restore_sig's ia32_fxstate path) are not.</summary>
    private void Require64BitFrames()
    {
        if (!_boot.Config.Is64Bit)
            throw new NotSupportedException("signal frames of a 32-bit kernel (ia32 frames) are not modelled");
    }

    /// <summary>setup_rt_frame: the frame, or force_sigsegv when it overflows the alternate stack (-EFAULT).</summary>
    private KernelOutcome DeliverSignal(LinuxThread t, bool onAltstack)
    {
        Require64BitFrames();
        var r = SignalDelivery.Deliver(_boot, t, onAltstack);
        return r.Frame is { } frame ? new KernelOutcome(0, Data: frame) : new KernelOutcome(-(long)Errno.EFAULT, Signal: KernelSignal.SigSegv);
    }

    /// <summary>rt_sigreturn: 0; a failed FPU restore is signal_fault → SIGSEGV.</summary>
    private KernelOutcome Sigreturn(LinuxThread t, SigreturnOp o)
    {
        Require64BitFrames();
        var r = SignalDelivery.Return(_boot, t, o.Frame, o.XorAt, o.Xor);
        return new KernelOutcome(0, Signal: r.Outcome == SigreturnOutcome.FailedSigsegv ? KernelSignal.SigSegv : null);
    }

    // ---- KVM ----

    private KernelOutcome SupportedCpuid(KvmModule kvm, LinuxProcess p) =>
        new(0, Cpuid: KvmCpuid.SupportedLeaf0D(kvm, p).Select(ToContract).ToList());

    private KernelOutcome CreateVcpu(KvmModule kvm, LinuxProcess p, int pid)
    {
        if (!_vms.TryGetValue(p, out var vm)) OpenVm(p, pid, vm = KvmVm.Create(kvm, p));
        var creation = Vcpu.Create(vm);
        if (creation.Vcpu is null) return Of(creation.Result);
        _vcpus.Add(creation.Vcpu);
        _vcpuPids.Add(pid);
        return new KernelOutcome(_vcpus.Count - 1, Created: _vcpus.Count - 1);
    }

    /// <summary>kvm_arch_vcpu_destroy → fpu_free_guest_fpstate: WARN_ON_ONCE when the fpstate is still in use (R87,
    /// H25: after the VMM thread died in KVM_RUN).</summary>
    private KernelOutcome Destroy(Vcpu v, int id)
    {
        var freed = v.Destroy();
        _vcpus[id] = null;
        return new KernelOutcome(0, Signal: freed == GuestFreeResult.RefusedWarn ? KernelSignal.Warn : null);
    }

    private static KernelOutcome GetCpuid2(Vcpu v, int nent)
    {
        var r = v.GetCpuid2(nent);
        return r.Result.IsError ? Of(r.Result) : new KernelOutcome(r.Result.Value, Cpuid: r.Value.Select(ToContract).ToList());
    }

    private static KernelOutcome GetXcrs(Vcpu v)
    {
        var r = v.GetXcrs();
        if (r.Result.IsError) return Of(r.Result);
        var xcr0 = r.Value.Xcrs.FirstOrDefault(x => x.Xcr == 0);
        return new KernelOutcome(r.Result.Value, xcr0?.Value, Signal: null, Created: null);
    }

    private static KernelOutcome Run(Vcpu v, IReadOnlyList<GuestEvent> events)
    {
        var results = new List<GuestExit>();
        var exits = events.Select<GuestEvent, Action<Vcpu>>(e => vcpu => results.Add(Handle(vcpu, e))).ToArray();
        var r = v.Run(exits);
        return new KernelOutcome(r.Value, Exits: results, Signal: v.Vm.Dead ? KernelSignal.KvmBug : v.ThreadDied ? KernelSignal.ThreadDied : null);
    }

    private static GuestExit Handle(Vcpu v, GuestEvent e)
    {
        switch (e)
        {
            case GuestXsetbv x:
                return Guest(v.Xcrs.GuestXsetbv(x.Cpl, x.Ecx, x.Value));
            case GuestWrmsr w:
                return Guest(v.Msrs.GuestWrmsr(w.Msr, w.Value));
            case GuestRdmsr rd:
                var read = v.Msrs.GuestRdmsr(rd.Msr);
                return read.Outcome == GuestOutcome.Completed ? GuestExit.Read(read.Value) : GuestExit.InjectedGp;
            case GuestWritePkru pk:
                v.Fpu.GuestWritePkru(pk.Value);
                return GuestExit.Completed;
            case HostKernelFpuUse:
                v.Fpu.KernelFpuBegin();
                return GuestExit.Completed;
            case InitWhileRunning:
                v.Init();
                return GuestExit.Completed;
            case GuestWriteRegister w:
                return GuestRegisterWrite.Apply(v, w.Component, w.Offset, w.Value) switch
                {
                    GuestWriteOutcome.InjectedUd => GuestExit.InjectedUd,
                    GuestWriteOutcome.InjectedNm => GuestExit.InjectedNm,
                    _ => GuestExit.Completed,
                };
            default:
                throw new UnreachableException($"guest event {e.GetType().Name} is not part of the contract");
        }
    }

    private static GuestExit Guest(GuestOutcome o) => o == GuestOutcome.Completed ? GuestExit.Completed : GuestExit.InjectedGp;

    private static KernelOutcome Read(KvmRead<byte[]> r) => new(r.Result.Value, Data: r.Result.IsError ? null : r.Value);

    private static CpuidEntry ToContract(KvmCpuidEntry2 e) => new(e.Function, e.Index, new CpuidRegs(e.Eax, e.Ebx, e.Ecx, e.Edx));

    private static KvmCpuidEntry2 ToKvm(CpuidEntry e) =>
        KvmCpuidEntry2.FromUser(e.Function, e.Index, e.Regs.Eax, e.Regs.Ebx, e.Regs.Ecx, e.Regs.Edx);

    // ---- names ----

    /// <summary>The process, or -ESRCH once it has exited (nothing of it can make a system call or be traced).</summary>
    private KernelOutcome WithProcess(int pid, Func<LinuxProcess, KernelOutcome> f) =>
        pid >= 1 && pid <= _processes.Count
            ? _processes[pid - 1].Alive ? f(_processes[pid - 1]) : new KernelOutcome(-(long)Errno.ESRCH)
            : throw new ArgumentException($"no process {pid}");

    private KernelOutcome WithThread(int pid, int tid, Func<LinuxProcess, LinuxThread, KernelOutcome> f) =>
        WithProcess(pid, p => tid >= 0 && tid < p.Threads.Count ? f(p, p.Threads[tid]) : throw new ArgumentException($"no thread {tid} in process {pid}"));

    /// <summary>A vCPU ioctl comes from the process that created the vCPU: -ESRCH once it has exited, -EBADF once it
    /// closed its fds at execve (a forked child may still hold them, keeping the vCPU alive).</summary>
    private KernelOutcome WithVcpu(int id, Func<Vcpu, KernelOutcome> f)
    {
        if (id < 0 || id >= _vcpus.Count) throw new ArgumentException($"no vCPU {id}");
        if (!_processes[_vcpuPids[id] - 1].Alive) return new KernelOutcome(-(long)Errno.ESRCH);
        if (_closedVcpus.Contains(id)) return new KernelOutcome(-(long)Errno.EBADF);
        return _vcpus[id] is { } v ? f(v) : throw new ArgumentException($"no vCPU {id}");
    }

    private KernelOutcome WithKvm(int pid, Func<KvmModule, LinuxProcess, KernelOutcome> f) =>
        WithProcess(pid, p =>
        {
            if (_kvmLoad is null)
            {
                var load = KvmModule.Load(_boot);
                _kvmLoad = load.Result;
                _kvm = load.Module;
            }
            return _kvm is null ? Of(_kvmLoad.Value) : f(_kvm, p);
        });

    private static PkruHolder Pkru(LinuxThread t) => t.Pkru;

    private static KernelOutcome Of(KResult r) => new(r.Value);

    // ---- reporting ----

    private static PermSnapshot Perm(FpuStatePerm p) => new(p.StatePerm, p.StateSize, p.UserStateSize);

    public static FpStateSnapshot Snap(Fpstate f) => new(f.Size, f.UserSize, f.Xfeatures, f.UserXfeatures, f.Xfd, f.IsGuest,
        f.InUse, new FeatureMask(f.XstateBv), new FeatureMask(f.XcompBv), FpStateSnapshot.HashOf(f.Regs));

    private static BootSummary Summarize(BootResult b) => b.Failure is not null ? BootSummary.FailedWith(b.Xcr0, b.Failure)
        : new(b.XsaveEnabled, b.Compacted, b.DisabledReason, b.Xcr0, b.Xss, Config(b.Kernel), Config(b.User), b.Guest.Features, b.Guest.Size);

    private static FpuConfigSummary Config(FpuStateConfig c) =>
        new(c.MaxFeatures, c.DefaultFeatures, c.IndependentFeatures, c.MaxSize, c.DefaultSize);
}
