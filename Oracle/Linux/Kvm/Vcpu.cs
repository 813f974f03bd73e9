using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>The result of KVM_CREATE_VCPU: 0 and the vCPU, or the errno.</summary>
public sealed record VcpuCreation(KResult Result, Vcpu? Vcpu);

/// <summary>
/// One KVM vCPU as far as its FPU goes (SPEC part C), composed as KVM splits struct kvm_vcpu_arch: the guest FPU
/// (<see cref="Fpu"/>), the guest CPUID (<see cref="Cpuid"/>), XCR0 (<see cref="Xcrs"/>), the MSRs (<see cref="Msrs"/>),
/// the XSAVE ioctls (<see cref="XsaveIoctls"/>) and RESET/INIT (<see cref="Reset"/>). This type keeps what struct kvm_vcpu
/// itself holds (wants_to_run, has-run, the warnings) and dispatches the ioctls as kvm_arch_vcpu_ioctl does.
/// Conventions: <c>host-initiated</c> = from userspace ioctls, <c>guest</c> = an exit handler for a guest instruction.
/// </summary>
public sealed class Vcpu
{
    private readonly List<string> _warnings = [];

    private Vcpu(KvmVm vm, int threadId, FpuGuest guestFpu)
    {
        Vm = vm;
        ThreadId = threadId;
        Fpu = new VcpuFpu(this, guestFpu);
        Cpuid = new VcpuCpuid(this);
        Xcrs = new VcpuXcrs(this);
        Msrs = new VcpuMsrs(this);
        XsaveIoctls = new VcpuXsave(this);
        Reset = new VcpuReset(this);
    }

    public KvmVm Vm { get; }
    public KvmModule Kvm => Vm.Kvm;
    public BootResult Boot => Vm.Kvm.Boot;
    public LinuxProcess Process => Vm.Process;

    /// <summary>The thread that runs this vCPU (its struct fpu swaps with the guest's in R86).</summary>
    public int ThreadId { get; }

    /// <summary>vcpu->arch.guest_fpu and vcpu->arch.pkru: the guest fpstate and its load/put (R50, R55, R86, R87).</summary>
    public VcpuFpu Fpu { get; }

    /// <summary>vcpu->arch.cpuid_entries and what kvm_vcpu_after_set_cpuid derives from them (R77-R79).</summary>
    public VcpuCpuid Cpuid { get; }

    /// <summary>vcpu->arch.xcr0 (R80, R81).</summary>
    public VcpuXcrs Xcrs { get; }

    /// <summary>IA32_XSS, IA32_XFD, IA32_XFD_ERR and the CET MSRs (R82-R84).</summary>
    public VcpuMsrs Msrs { get; }

    /// <summary>KVM_GET_XSAVE, KVM_GET_XSAVE2, KVM_SET_XSAVE (R89).</summary>
    public VcpuXsave XsaveIoctls { get; }

    /// <summary>kvm_vcpu_reset: RESET (R90) and INIT (R91).</summary>
    public VcpuReset Reset { get; }

    /// <summary>kvm_vcpu_has_run(): set on the first VM entry; CPUID is frozen afterwards (R78).</summary>
    public bool HasRun { get; private set; }

    /// <summary>vcpu->wants_to_run: inside KVM_RUN.</summary>
    public bool WantsToRun { get; private set; }

    /// <summary>Kernel warnings (WARN_ON, host #NM) this vCPU's operations raised, in order. KVM_BUG_ONs are in <see cref="KvmVm.Bugs"/>.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>KVM_CREATE_VCPU in a new VM of <paramref name="process"/>.</summary>
    public static VcpuCreation Create(KvmModule kvm, LinuxProcess process) => Create(KvmVm.Create(kvm, process));

    /// <summary>
    /// R85 kvm_arch_vcpu_create: fpu_alloc_guest_fpstate (R55; locks the group's guest permissions, so
    /// ARCH_REQ_XCOMP_GUEST_PERM now answers -EBUSY for new features) -> -ENOMEM when it fails; then RESET (R90).
    /// </summary>
    public static VcpuCreation Create(KvmVm vm, int threadId = LinuxProcess.LeaderId)
    {
        if (vm.Dead) return new(Errno.EIO, null);

        var gfpu = FpstateOps.AllocGuest(vm.Kvm.Boot, vm.Process);
        if (gfpu is null) return new(Errno.ENOMEM, null);

        var vcpu = new Vcpu(vm, threadId, gfpu);
        vcpu.Reset.ResetEvent();
        return new(KResult.Ok, vcpu);
    }

    /// <summary>R85/R56: kvm_arch_vcpu_destroy frees the guest fpstate (refused with a WARN while in use).</summary>
    public GuestFreeResult Destroy() => FpstateOps.FreeGuest(Fpu.GuestFpu);

    // kvm_arch_vcpu_ioctl: each modelled ioctl is handled by the part of the vCPU that owns its state.
    public KResult SetCpuid2(IReadOnlyList<KvmCpuidEntry2> entries) => Cpuid.SetCpuid2(entries);
    public KvmRead<IReadOnlyList<KvmCpuidEntry2>> GetCpuid2(int nent = KvmCpuidEntry2.MaxEntries) => Cpuid.GetCpuid2(nent);
    public KvmRead<KvmXcrs> GetXcrs() => Xcrs.GetXcrs();
    public KResult SetXcrs(KvmXcrs xcrs) => Xcrs.SetXcrs(xcrs);
    public KResult SetMsrs(params (uint Index, ulong Data)[] entries) => Msrs.SetMsrs(entries);
    public KvmRead<IReadOnlyList<ulong>> GetMsrs(params uint[] indices) => Msrs.GetMsrs(indices);
    public KvmRead<byte[]> GetXsave() => XsaveIoctls.GetXsave();
    public KvmRead<byte[]> GetXsave2() => XsaveIoctls.GetXsave2();
    public KResult SetXsave(byte[] userBuffer) => XsaveIoctls.SetXsave(userBuffer);

    /// <summary>
    /// INIT (kvm_vcpu_reset(INIT), e.g. from KVM_GET_MP_STATE accepting a latched INIT or inside KVM_RUN): only the
    /// xstate part is modelled (R91); XCR0, XSS, XFD and PKRU are unchanged.
    /// </summary>
    public void Init() => Reset.InitEvent();

    /// <summary>
    /// KVM_RUN: load the guest FPU (R86), enter the guest, run the given VM-exit handlers one after another (each is a
    /// guest instruction or host event handled while the guest FPU is loaded, e.g. <see cref="VcpuXcrs.GuestXsetbv"/>,
    /// <see cref="VcpuMsrs.GuestWrmsr"/>, <see cref="VcpuFpu.KernelFpuBegin"/>, <see cref="Init"/>), re-entering the
    /// guest after each (switch_fpu_return when TIF_NEED_FPU_LOAD), then put the guest FPU. A dead VM -> -EIO.
    /// </summary>
    public KResult Run(params Action<Vcpu>[] exits)
    {
        if (Dead) return Errno.EIO;
        WantsToRun = true;
        if (Fpu.LoadGuestFpu() == FpuSwapOutcome.HostNm)
        {
            // R87/H25, traps.c handle_xfd_event: the #NM in the kernel-mode restore is WARN_ON(!user_mode) then
            // die(): the thread is gone inside the ioctl, so nothing puts the guest FPU back (it stays in_use).
            ThreadDied = true;
            WantsToRun = false;
            return KResult.Ok;
        }
        if (!Dead)
        {
            Fpu.ReenterGuest();
            HasRun = true;
            foreach (var exit in exits)
            {
                exit(this);
                if (Dead) break;
                Fpu.ReenterGuest();
            }
        }
        if (Fpu.Fpstate.InUse) Fpu.PutGuestFpu();
        WantsToRun = false;
        return Dead ? Errno.EIO : KResult.Ok;
    }

    internal void Warn(string what) => _warnings.Add(what);

    /// <summary>The thread running this vCPU was killed in KVM_RUN (R87, H25; see <see cref="KernelSignal.ThreadDied"/>).</summary>
    public bool ThreadDied { get; private set; }

    /// <summary>kvm_vcpu_ioctl: every vCPU ioctl of a dead (bugged) VM fails with -EIO.</summary>
    internal bool Dead => Vm.Dead;
}
