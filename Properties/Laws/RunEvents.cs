using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// What happened in one run of an operation sequence, as the branch names the sequence laws declare (issue 16): read
/// from the outcomes and states of the run (an accepted or refused request, a GET above 4 KiB, a failed sigreturn...),
/// never from the operations' names alone — a KVM_SET_XSAVE that was refused did not reach the accepted branch.
/// </summary>
public static class RunEvents
{
    private const int XtileData = 18, CetKernel = 12, Pkru = (int)XFeature.Pkru;

    public const string PermGranted = "REQ_XCOMP_PERM of TILEDATA accepted";
    public const string GuestPermGranted = "REQ_XCOMP_GUEST_PERM of TILEDATA accepted";
    public const string GuestPermBusy = "REQ_XCOMP_GUEST_PERM after KVM_CREATE_VCPU refused (-EBUSY)";
    public const string PermEinval = "REQ_XCOMP_(GUEST_)PERM index >= 20 refused (-EINVAL)";
    public const string PermEopnotsupp = "REQ_XCOMP_(GUEST_)PERM refused (-EOPNOTSUPP)";
    public const string GetPermAnswered = "ARCH_GET_XCOMP_SUPP/PERM/GUEST_PERM answered";
    public const string AmxFirstUse = "a thread's fpstate grown for TILEDATA (#NM first use)";
    public const string Fork = "fork";
    public const string ForkDynamic = "fork with dynamic sizing (TILEDATA in user.max)";
    public const string Exec = "execve";
    public const string ExecOspke = "execve with OSPKE";
    public const string Exit = "exit_group";
    public const string VcpuReleased = "a vCPU released by exit_group or execve";
    public const string SignalFrame = "signal frame delivered (XSAVE)";
    public const string FrameX87Init = "signal frame with x87 in its init state";
    public const string FrameOspke = "signal frame under OSPKE";
    public const string SigreturnFailed = "sigreturn failed (SIGSEGV)";
    public const string SigreturnAccepted = "sigreturn accepted";
    public const string PtraceGet = "PTRACE_GETREGSET image";
    public const string PtraceSetAccepted = "PTRACE_SETREGSET accepted";
    public const string VcpuCreated = "vCPU created";
    public const string VcpuWithCetKernel = "guest fpstate with CET_KERNEL";
    public const string SetXsaveAccepted = "KVM_SET_XSAVE accepted";
    public const string SetXsaveRefused = "KVM_SET_XSAVE refused";
    public const string SetXsaveWithXfd = "KVM_SET_XSAVE accepted with guest XFD != 0";
    public const string GetXsaveAnswered = "KVM_GET_XSAVE answered (uabi_size <= 4096)";
    public const string GetXsaveAbove4k = "KVM_GET_XSAVE refused (uabi_size > 4096)";
    public const string GetXsave2Answered = "KVM_GET_XSAVE2 answered";
    public const string GetXsave2Above4k = "KVM_GET_XSAVE2 of more than 4096 bytes";
    public const string CapXsave2 = "KVM_CAP_XSAVE2 answered";
    public const string RunCompleted = "KVM_RUN completed";
    public const string GuestXfdWrite = "guest IA32_XFD write in KVM_RUN";
    public const string HostXfdWrite = "host KVM_SET_MSRS(IA32_XFD) taken";
    public const string ThreadDied = "VMM thread died in KVM_RUN";
    public const string VcpuInit = "vCPU INIT";
    public const string VcpuInitNonDefault = "vCPU INIT with guest XCR0 beyond x87";
    public const string SupportedCpuid = "KVM_GET_SUPPORTED_CPUID answered";
    public const string SupportedCpuidCompacted = "KVM_GET_SUPPORTED_CPUID with XSAVEC/XSAVES offered";
    public const string Ospke = "boot with OSPKE (PKRU in XCR0)";
    public const string NoOspke = "boot without OSPKE";
    public const string CetKernelMerged = "CET_KERNEL on a host of the merged design";
    public const string CompactedBoot = "compacted kernel format";
    public const string StandardBoot = "standard kernel format";

    /// <summary>Every event of the run (the names above) that occurred at least once.</summary>
    public static HashSet<string> Of(KernelScenario s, KernelTrace t)
    {
        var e = new HashSet<string>(StringComparer.Ordinal);
        if (t.Boot.Failed) return e;
        var cpu = s.Cpu.Cpu;
        bool ospke = t.Boot.Xsave && t.Boot.Xcr0.Contains(Pkru);
        if (t.Boot.Xsave) e.Add(t.Boot.Compacted ? CompactedBoot : StandardBoot);
        e.Add(ospke ? Ospke : NoOspke);
        if (t.Config.Policy == CetSupervisorPolicy.Merged && cpu.SupportedXss.Contains(CetKernel)) e.Add(CetKernelMerged);
        bool dynamic = t.Config.Is64Bit && t.Boot.Xsave && t.Boot.User.MaxFeatures.Contains(XtileData);
        foreach (var (op, step, before, after) in t.Transitions())
        {
            var o = step.Outcome!;
            switch (op)
            {
                case ArchPrctlOp { Option: Uapi.ArchPrctl.ReqXcompPerm or Uapi.ArchPrctl.ReqXcompGuestPerm } a:
                    bool guest = a.Option == Uapi.ArchPrctl.ReqXcompGuestPerm;
                    if (o.Result == 0 && a.Arg == XtileData) e.Add(guest ? GuestPermGranted : PermGranted);
                    else if (o.Result == -(long)Errno.EINVAL) e.Add(PermEinval);
                    else if (o.Result == -(long)Errno.EOPNOTSUPP) e.Add(PermEopnotsupp);
                    else if (o.Result == -(long)Errno.EBUSY && guest) e.Add(GuestPermBusy);
                    break;
                case ArchPrctlOp a when Uapi.ArchPrctl.IsGet(a.Option) && o.Result == 0 && o.Value is not null:
                    e.Add(GetPermAnswered);
                    break;
                case XfdFaultOp x when !before.Processes[x.Pid - 1].Threads.ElementAtOrDefault(x.Tid)?.Fpstate.Xfeatures.Contains(XtileData) == true
                                       && after.Processes[x.Pid - 1].Threads.ElementAtOrDefault(x.Tid)?.Fpstate.Xfeatures.Contains(XtileData) == true:
                    e.Add(AmxFirstUse);
                    break;
                case ForkOp when o.Created is not null:
                    e.Add(dynamic ? ForkDynamic : Fork);
                    break;
                case ExecOp or ExitGroupOp when o.Result == 0:
                    e.Add(op is ExecOp ? Exec : Exit);
                    if (op is ExecOp && ospke) e.Add(ExecOspke);
                    if (before.Vcpus.Zip(after.Vcpus).Any(v => v.First.Alive && !v.Second.Alive)) e.Add(VcpuReleased);
                    break;
                case SignalDeliverOp d when o.Data is { Length: > XsaveImage.MinimumSize } && t.Boot.Xsave:
                    e.Add(SignalFrame);
                    if (!before.Processes[d.Pid - 1].Threads[d.Tid].Fpstate.XstateBv.Contains(0)) e.Add(FrameX87Init);
                    if (ospke) e.Add(FrameOspke);
                    break;
                case SigreturnOp:
                    e.Add(o.Signal == KernelSignal.SigSegv ? SigreturnFailed : o.Signal is null ? SigreturnAccepted : "sigreturn other");
                    break;
                case PtraceGetXstateOp when o.Data is { Length: >= XsaveImage.MinimumSize }:
                    e.Add(PtraceGet);
                    break;
                case PtraceSetXstateOp when o.Result == 0:
                    e.Add(PtraceSetAccepted);
                    break;
                case VcpuCreateOp when o.Created is int id:
                    e.Add(VcpuCreated);
                    if (after.Vcpus[id].Fpstate?.Xfeatures.Contains(CetKernel) == true) e.Add(VcpuWithCetKernel);
                    break;
                case SetXsaveOp x:
                    if (o.Result != 0) { e.Add(SetXsaveRefused); break; }
                    e.Add(SetXsaveAccepted);
                    if (!before.Vcpus[x.Vcpu].Xfd.IsEmpty) e.Add(SetXsaveWithXfd);
                    break;
                case GetXsaveOp:
                    e.Add(o.Result == 0 ? GetXsaveAnswered : o.Result == -(long)Errno.EINVAL ? GetXsaveAbove4k : "KVM_GET_XSAVE other");
                    break;
                case GetXsave2Op when o.Result == 0:
                    e.Add(GetXsave2Answered);
                    if (o.Data is { Length: > Uapi.KvmXsaveSize }) e.Add(GetXsave2Above4k);
                    break;
                case KvmCheckExtensionOp { Capability: Uapi.KvmCap.Xsave2 } when o.Result > 0:
                    e.Add(CapXsave2);
                    break;
                case KvmRunOp r:
                    if (o.Signal == KernelSignal.ThreadDied) e.Add(ThreadDied);
                    else if (o.Result == 0) e.Add(RunCompleted);
                    if (o.Exits is { } exits && r.Exits.Zip(exits).Any(x => x.First is GuestWrmsr { Msr: Uapi.Msr.Ia32Xfd } && x.Second == GuestExit.Completed))
                        e.Add(GuestXfdWrite);
                    break;
                case SetMsrOp { Msr: Uapi.Msr.Ia32Xfd } when o.Result == 1:
                    e.Add(HostXfdWrite);
                    break;
                case VcpuInitOp i when o.Result == 0:
                    e.Add(VcpuInit);
                    if (before.Vcpus[i.Vcpu].Xcr0.Bits != 1) e.Add(VcpuInitNonDefault);
                    break;
                case KvmGetSupportedCpuidOp when o.Cpuid is { } leaf:
                    e.Add(SupportedCpuid);
                    if (leaf.FirstOrDefault(x => x.Index == 1) is { } sub1 && (sub1.Regs.Eax & 0xA) != 0) e.Add(SupportedCpuidCompacted);
                    break;
            }
        }
        return e;
    }

    /// <summary>
    /// The declared branches this run reached; none of them: <see cref="LawCoverage.Vacuous"/> when
    /// <paramref name="vacuousWithoutAny"/> (the law's question met nothing to ask about), else nothing.
    /// </summary>
    public static IEnumerable<string> Reached(IReadOnlyList<string> declared, KernelScenario s, KernelTrace t, bool vacuousWithoutAny = true)
    {
        var events = Of(s, t);
        var reached = declared.Where(events.Contains).ToList();
        return reached.Count == 0 && vacuousWithoutAny ? [LawCoverage.Vacuous] : reached;
    }
}
